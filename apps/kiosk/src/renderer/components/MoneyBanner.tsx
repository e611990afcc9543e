import { useSlice } from '../app/stores-context.js';

/** What the core says about money intake ("Bills only", "Out of order"), while songs cost. */
export function MoneyBanner() {
  const message = useSlice('kiosk', (s) =>
    s.state && !s.state.pricing.freePlay ? s.state.money.message : null,
  );
  if (!message) return null;
  return (
    <p className="money-banner" role="alert">
      {message}
    </p>
  );
}
