import { useSlice } from '../app/stores-context.js';

/** Confirmations and core notices. The live region is always mounted so readers announce it. */
export function Toasts() {
  const toasts = useSlice('toasts', (s) => s.toasts);
  const dismiss = useSlice('toasts', (s) => s.dismiss);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <button
          type="button"
          key={t.id}
          className={`toast toast-${t.level}`}
          onClick={() => dismiss(t.id)}
        >
          {t.text}
        </button>
      ))}
    </div>
  );
}
