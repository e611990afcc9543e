import { useSlice } from '../app/stores-context.js';
import { creditDisplayText, retailCreditText } from '../money-text.js';
import { currentScreen } from '../stores/index.js';

/** Back and Home on every screen but attract, with the box name and the credit display. */
export function TopBar() {
  const nav = useSlice('nav', (s) => s);
  const onHome = currentScreen(nav).name === 'home';
  const boxName = useSlice('kiosk', (s) => s.state?.box.name ?? 'Jukebox');
  // Empty until the first state: neither "Free play" nor a balance would be known yet. On a
  // retail terminal a credit is a cent, so the balance reads as money.
  const credits = useSlice('kiosk', (s) => {
    if (!s.state) return '';
    if (s.state.mode === 'retail') return retailCreditText(s.state.credits, s.state.pricing);
    return creditDisplayText(s.state.credits, s.state.pricing.freePlay);
  });
  return (
    <header className="top-bar">
      <div className="top-bar-nav">
        {!onHome && (
          <>
            <button type="button" className="nav-button" onClick={nav.back}>
              <span aria-hidden="true">‹ </span>Back
            </button>
            <button type="button" className="nav-button" onClick={nav.home}>
              Home
            </button>
          </>
        )}
      </div>
      <p className="box-name">{boxName}</p>
      <p className="credits" aria-live="polite">
        {credits}
      </p>
    </header>
  );
}
