const rows = [
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'],
  ['Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P'],
  ['A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L'],
  ['Z', 'X', 'C', 'V', 'B', 'N', 'M'],
];

/**
 * On-screen keyboard. Each key is a button named by its character; the special keys are
 * named "Space", "Backspace" and "Clear". `extraKeys` adds a row of symbols a field needs
 * (`@` and `.` for an email address, `-` for a voucher code).
 */
export function Keyboard({
  onKey,
  onSpace,
  onBackspace,
  onClear,
  extraKeys = [],
}: {
  onKey: (key: string) => void;
  onSpace: () => void;
  onBackspace: () => void;
  onClear: () => void;
  extraKeys?: readonly string[];
}) {
  return (
    <div className="keyboard" role="group" aria-label="Keyboard">
      {rows.map((row) => (
        <div className="key-row" key={row[0]}>
          {row.map((k) => (
            <button type="button" className="key" key={k} onClick={() => onKey(k)}>
              {k}
            </button>
          ))}
        </div>
      ))}
      {extraKeys.length > 0 && (
        <div className="key-row">
          {extraKeys.map((k) => (
            <button type="button" className="key" key={k} onClick={() => onKey(k)}>
              {k}
            </button>
          ))}
        </div>
      )}
      <div className="key-row">
        <button type="button" className="key key-wide" onClick={onClear}>
          Clear
        </button>
        <button type="button" className="key key-space" onClick={onSpace}>
          Space
        </button>
        <button type="button" className="key key-wide" aria-label="Backspace" onClick={onBackspace}>
          ⌫
        </button>
      </div>
    </div>
  );
}
