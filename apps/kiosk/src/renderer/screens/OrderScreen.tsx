import type { OrderStatus, OrderView } from '@jukebox/protocol';
import { useRef, useState } from 'react';
import { useSlice } from '../app/stores-context.js';
import { Status } from '../components/Status.js';
import { formatDuration } from '../format.js';
import { useApi } from '../hooks/use-api.js';
import { moneyText } from '../money-text.js';

const STATUS_TEXT: Record<OrderStatus, string> = {
  queued: 'Waiting for a free burner',
  assembling: 'Preparing your tracks',
  burning: 'Burning your CD',
  verifying: 'Checking your CD',
  done: 'Your CD is ready! Please collect it at the counter.',
  refunded: 'Refunded: we could not make your CD',
};

/** An order's status in words for the patron. */
export function orderStatusText(status: OrderStatus): string {
  return STATUS_TEXT[status];
}

/** The tracking number, large, with a button that copies it. */
function TrackingNumber({ value }: { value: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (): void => {
    const selectIt = (): void => {
      // Without clipboard access (a locked-down kiosk) the number is at least selected.
      const el = ref.current;
      if (el) window.getSelection()?.selectAllChildren(el);
      setCopied('Selected. Copy it with Ctrl+C, or write it down.');
    };
    if (!navigator.clipboard) return selectIt();
    navigator.clipboard.writeText(value).then(() => setCopied('Copied.'), selectIt);
  };
  return (
    <div className="tracking">
      <p className="tracking-label">Your tracking number</p>
      <p className="tracking-number" ref={ref} data-testid="tracking-number">
        {value}
      </p>
      <button type="button" className="secondary" onClick={copy}>
        Copy tracking number
      </button>
      <p className="tracking-copied" role="status">
        {copied}
      </p>
    </div>
  );
}

/** Where the order stands: status in words, a bar while burning, the refund if there was one. */
function OrderProgress({ order }: { order: OrderView }) {
  const currency = useSlice('kiosk', (s) => s.state?.pricing ?? null);
  const pct = order.progress === null ? null : Math.round(order.progress * 100);
  return (
    <section className={`order-progress order-${order.status}`} aria-label="Order status">
      <p
        className="order-status"
        role="status"
        data-testid="order-status"
        data-status={order.status}
      >
        {orderStatusText(order.status)}
      </p>
      {order.status === 'burning' && (
        <div
          className="progress"
          role="progressbar"
          aria-label="Burn progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct ?? undefined}
          aria-valuetext={pct === null ? 'Starting' : `${pct}%`}
          data-testid="burn-progress"
        >
          <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
        </div>
      )}
      {order.message && (
        <p className="order-message" data-testid="order-message">
          {order.message}
        </p>
      )}
      {order.status === 'refunded' && currency && (
        <p className="order-refund" data-testid="order-refund">
          {moneyText(order.price, currency)} is back on your credit: use it for another disc.
        </p>
      )}
    </section>
  );
}

function OrderDetails({ order }: { order: OrderView }) {
  const home = useSlice('nav', (s) => s.home);
  const trackingPage = useSlice('kiosk', (s) => s.state?.retail?.trackingPage ?? null);
  return (
    <div className="screen order">
      <h1>Thank you!</h1>
      <p className="subtitle">
        “{order.title}” · {order.trackCount === 1 ? '1 track' : `${order.trackCount} tracks`} ·{' '}
        {formatDuration(order.durationMs)}
      </p>
      <TrackingNumber value={order.trackingNumber} />
      <p className="order-follow" data-testid="order-follow">
        {trackingPage === null ? (
          <>
            Follow your order with this number: scan the QR code on your receipt to open its
            tracking page, or ask at the counter.
          </>
        ) : (
          <>
            Follow your order at <strong>{`${trackingPage}${order.trackingNumber}`}</strong>, or
            scan the QR code on your receipt.
          </>
        )}
      </p>
      <OrderProgress order={order} />
      <button type="button" className="primary" onClick={home}>
        Back to browsing
      </button>
    </div>
  );
}

/** An order this screen has no copy of (the core's recent list has moved on): ask for it. */
function FetchedOrder({ trackingNumber }: { trackingNumber: string }) {
  const data = useApi('getOrder', { trackingNumber });
  if (data.status === 'ok') return <OrderDetails order={data.value} />;
  return (
    <div className="screen order">
      <Status
        loading={data.status === 'loading'}
        error={data.status === 'error' ? data.message : null}
      />
    </div>
  );
}

/**
 * The confirmation of an order: its tracking number and its live progress. The core's state
 * (pushed on every change) is the source; the order as placeOrder returned it bridges the
 * moment before the first push.
 */
export function OrderScreen({ trackingNumber }: { trackingNumber: string }) {
  const live = useSlice(
    'kiosk',
    (s) => s.state?.retail?.orders.find((o) => o.trackingNumber === trackingNumber) ?? null,
  );
  const placed = useSlice('checkout', (s) =>
    s.placed?.trackingNumber === trackingNumber ? s.placed : null,
  );
  const order = live ?? placed;
  if (!order) return <FetchedOrder trackingNumber={trackingNumber} />;
  return <OrderDetails order={order} />;
}
