import { useEffect, useRef } from 'react';
import { useSlice, useStores } from '../app/stores-context.js';

/**
 * "Keep your disc?" after the idle timeout on a retail terminal with a half-built disc. No
 * answer and the disc is cleared for the next customer (the store's countdown).
 */
export function KeepDiscPrompt() {
  const { disc, checkout, nav, keepDisc, preview } = useStores();
  const asking = useSlice('keepDisc', (s) => s.asking);
  const count = useSlice('disc', (s) => s.entries.length);
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) keepRef.current?.focus();
  }, [asking]);
  if (!asking) return null;
  const keep = (): void => keepDisc.getState().keep();
  const startOver = (): void => {
    keepDisc.getState().keep();
    preview.getState().stop();
    checkout.getState().reset();
    disc.getState().clear();
    nav.getState().home();
  };
  return (
    <div className="sheet-backdrop" onClick={keep}>
      <div
        className="sheet keep-disc"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="keep-disc-title"
        aria-describedby="keep-disc-text"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="keep-disc-title">Keep your disc?</h2>
        <p id="keep-disc-text">
          Your disc has {count === 1 ? '1 track' : `${count} tracks`}. If nobody answers, it is
          cleared for the next customer in a few seconds.
        </p>
        <div className="sheet-actions">
          <button type="button" className="secondary" onClick={startOver}>
            Start over
          </button>
          <button ref={keepRef} type="button" className="primary" onClick={keep}>
            Keep my disc
          </button>
        </div>
      </div>
    </div>
  );
}
