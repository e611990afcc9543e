import { useEffect, useRef, useState } from 'react';
import { Keyboard } from './Keyboard.js';

/**
 * A text field typed on the on-screen keyboard: a read-only box showing the value and an
 * "Edit" button; editing opens a sheet with the keyboard and a "Done" button. The box is a
 * textbox named `label`; the sheet is a dialog named `label` too.
 */
export function TextEntry({
  label,
  value,
  placeholder,
  onChange,
  extraKeys,
  testId,
}: {
  label: string;
  value: string;
  placeholder?: string;
  onChange: (value: string) => void;
  /** Symbols the field needs beyond letters, digits and space. */
  extraKeys?: readonly string[];
  /** `data-testid` of the read-only box. */
  testId?: string;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <div className="text-entry">
      <input
        className="text-entry-value"
        type="text"
        readOnly
        aria-label={label}
        value={value}
        placeholder={placeholder ?? label}
        data-testid={testId}
        onClick={() => setEditing(true)}
      />
      <button
        type="button"
        className="secondary text-entry-edit"
        aria-label={`Edit ${label.toLowerCase()}`}
        onClick={() => setEditing(true)}
      >
        Edit
      </button>
      {editing && (
        <KeyboardSheet
          label={label}
          value={value}
          placeholder={placeholder}
          onChange={onChange}
          extraKeys={extraKeys}
          onDone={() => setEditing(false)}
        />
      )}
    </div>
  );
}

function KeyboardSheet({
  label,
  value,
  placeholder,
  onChange,
  extraKeys,
  onDone,
}: {
  label: string;
  value: string;
  placeholder?: string;
  onChange: (value: string) => void;
  extraKeys?: readonly string[];
  onDone: () => void;
}) {
  const doneRef = useRef<HTMLButtonElement>(null);
  useEffect(() => doneRef.current?.focus(), []);
  return (
    <div className="sheet-backdrop" onClick={onDone}>
      <div
        className="sheet keyboard-sheet"
        role="dialog"
        aria-modal="true"
        aria-label={label}
        onClick={(e) => e.stopPropagation()}
      >
        <h2>{label}</h2>
        {/* Not a second textbox: one field per name keeps the page unambiguous for readers. */}
        <p className="entry-preview" aria-live="polite" data-testid="entry-preview">
          {value || <span className="entry-placeholder">{placeholder}</span>}
        </p>
        <Keyboard
          onKey={(k) => onChange(value + k)}
          onSpace={() => onChange(value + ' ')}
          onBackspace={() => onChange(value.slice(0, -1))}
          onClear={() => onChange('')}
          extraKeys={extraKeys}
        />
        <button ref={doneRef} type="button" className="primary entry-done" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
