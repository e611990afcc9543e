import { discPrice } from '@jukebox/protocol';
import { useSlice } from '../app/stores-context.js';
import { Status } from '../components/Status.js';
import { TextEntry } from '../components/TextEntry.js';
import { capacityText, discSectors } from '../disc-math.js';
import { moneyText } from '../money-text.js';
import { missingForPrice } from '../stores/index.js';
import { orderTitle } from '../stores/disc-store.js';

const EMAIL_KEYS = ['@', '.', '-', '_', '+'];
const NAME_KEYS = ['-', "'", '.'];

/** What is still to pay, or that all is paid, in a live region the patron hears change. */
function PayStatus({ missing, money }: { missing: number; money: (n: number) => string }) {
  return (
    <p className="checkout-pay-status" role="status" data-testid="checkout-pay-status">
      {missing > 0
        ? `Insert ${money(missing)} more in coins or notes, or redeem a voucher.`
        : 'Paid in full. Ready to burn!'}
    </p>
  );
}

function Voucher() {
  const code = useSlice('checkout', (s) => s.voucherCode);
  const busy = useSlice('checkout', (s) => s.voucherBusy);
  const message = useSlice('checkout', (s) => s.voucherMessage);
  const { setVoucherCode, redeemVoucher } = useSlice('checkout', (s) => s);
  return (
    <section className="checkout-voucher" aria-label="Voucher">
      <h2>Voucher</h2>
      <TextEntry
        label="Voucher code"
        value={code}
        onChange={setVoucherCode}
        extraKeys={['-']}
        testId="voucher-code"
      />
      <button
        type="button"
        className="secondary"
        disabled={busy || code.trim() === ''}
        onClick={() => void redeemVoucher()}
      >
        {busy ? 'Checking…' : 'Redeem voucher'}
      </button>
      <p
        className={`voucher-message${message && !message.ok ? ' status-error' : ''}`}
        role="status"
        data-testid="voucher-message"
      >
        {message?.text}
      </p>
    </section>
  );
}

function Receipt() {
  const name = useSlice('checkout', (s) => s.name);
  const email = useSlice('checkout', (s) => s.email);
  const { setName, setEmail } = useSlice('checkout', (s) => s);
  return (
    <section className="checkout-receipt" aria-label="Receipt">
      <h2>Receipt (optional)</h2>
      <p className="subtitle">Your name on the order, and an email address for the receipt.</p>
      <TextEntry
        label="Name"
        value={name}
        onChange={setName}
        extraKeys={NAME_KEYS}
        testId="customer-name"
      />
      <TextEntry
        label="Email"
        value={email}
        onChange={setEmail}
        extraKeys={EMAIL_KEYS}
        testId="customer-email"
      />
    </section>
  );
}

/** Pay for the draft disc (money, voucher), leave a contact if wanted, and burn it. */
export function CheckoutScreen() {
  const state = useSlice('kiosk', (s) => s.state);
  const entries = useSlice('disc', (s) => s.entries);
  const title = useSlice('disc', (s) => s.title);
  const home = useSlice('nav', (s) => s.home);
  const { phase, problems, error, shortfall, burn } = useSlice('checkout', (s) => s);
  if (!state?.retail) return <Status loading />;
  if (entries.length === 0) {
    return (
      <div className="screen checkout">
        <h1>Checkout</h1>
        <p className="status">Your disc is empty.</p>
        <button type="button" className="primary" onClick={home}>
          Find some music
        </button>
      </div>
    );
  }
  const money = (n: number): string => moneyText(n, state.pricing);
  const price = discPrice(state.retail.pricing, entries.length);
  const missing = missingForPrice(state, price, shortfall);
  const used = discSectors(entries.map((e) => e.track.durationMs));
  const busy = phase !== 'idle';
  return (
    <div className="screen checkout">
      {/* What to pay and the Burn button first: voucher and receipt are the side roads. */}
      <div className="checkout-main">
        <h1>Checkout</h1>
        <section className="checkout-summary" aria-label="Your order">
          <p className="checkout-title">{orderTitle(title)}</p>
          <p className="subtitle">
            {entries.length === 1 ? '1 track' : `${entries.length} tracks`} ·{' '}
            {capacityText(used, state.retail.capacitySectors)}
          </p>
        </section>
        <dl className="checkout-money">
          <div>
            <dt>Price</dt>
            <dd data-testid="checkout-price">{money(price)}</dd>
          </div>
          <div>
            <dt>Inserted</dt>
            <dd data-testid="checkout-inserted">{money(state.credits)}</dd>
          </div>
          <div className={missing > 0 ? 'missing' : 'paid'}>
            <dt>Still to pay</dt>
            <dd data-testid="checkout-missing">{money(missing)}</dd>
          </div>
        </dl>
        <PayStatus missing={missing} money={money} />
        {problems.length > 0 && (
          <ul
            className="checkout-problems"
            role="alert"
            aria-label="Problems with your disc"
            data-testid="disc-problems"
          >
            {problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        )}
        {error && (
          <p className="status status-error" role="alert" data-testid="checkout-error">
            {error}
          </p>
        )}
        <button
          type="button"
          className="primary burn-button"
          aria-label="Burn my CD"
          disabled={busy || missing > 0}
          onClick={() => void burn()}
        >
          {phase === 'quoting'
            ? 'Checking your disc…'
            : phase === 'placing'
              ? 'Ordering…'
              : 'Burn my CD'}
        </button>
      </div>
      <div className="checkout-extras">
        <Voucher />
        <Receipt />
      </div>
    </div>
  );
}
