import type { OrderStatus } from '@jukebox/protocol';
import type { PublicOrder } from './api-schemas.js';
import { formatDuration } from './words.js';

/*
 * The public order-tracking page: one small HTML document, no script, no external files,
 * readable on a phone. Every value from the database goes through `escapeHtml`: titles come
 * from what a customer typed at a terminal.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Headers of the page: nothing but its own inline style may load or run, the tracking number
 * in the URL is not passed on to other sites, and no cache keeps an old status.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem;margin-inline:auto;
line-height:1.4;color:#222;background:#fafafa}
h1{font-size:1.3rem;margin:.2rem 0}
.shop{color:#666;margin:0}
.status{font-size:1.15rem;font-weight:600;padding:.8rem;border-radius:.5rem;background:#e8f0fe}
.status.done{background:#e6f4ea}.status.refunded{background:#fdecea}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem}dt{color:#666}dd{margin:0}
ol{list-style:none;padding:0;border-left:3px solid #ccc;margin-left:.4rem}
li{padding:0 0 .8rem 1rem}time{display:block;color:#666;font-size:.9rem}
`;

/** 15 Jan 2026, 10:05 UTC: the page does not know the reader's zone, so it says which it uses. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const statusClass = (status: OrderStatus) =>
  status === 'done' || status === 'refunded' ? `status ${status}` : 'status';

/** The tracking page of one order. */
export function renderOrderPage(order: PublicOrder): string {
  const steps = order.events
    .map(
      (e) =>
        `<li><time datetime="${escapeHtml(e.at)}">${escapeHtml(formatTime(e.at))}</time>` +
        `${escapeHtml(e.label)}</li>`,
    )
    .join('\n');
  const tracks = `${order.trackCount} ${order.trackCount === 1 ? 'track' : 'tracks'}`;
  return layout(
    `Order ${order.trackingNumber}`,
    `<header>
<p class="shop">${escapeHtml(order.shop)}</p>
<h1>${escapeHtml(order.title)}</h1>
</header>
<p class="${statusClass(order.status)}">${escapeHtml(order.statusText)}</p>
<dl>
<dt>Tracking number</dt><dd>${escapeHtml(order.trackingNumber)}</dd>
<dt>Disc</dt><dd>${escapeHtml(tracks)}, ${escapeHtml(formatDuration(order.durationMs))}</dd>
<dt>Last update</dt><dd>${escapeHtml(formatTime(order.updatedAt))}</dd>
</dl>
<h2>Timeline</h2>
<ol>
${steps}
</ol>`,
  );
}

/** The page for a number that is malformed, unknown, or asked for too often. */
export function renderProblemPage(status: number, message: string): string {
  const heading =
    status === 404
      ? 'Order not found'
      : status === 429
        ? 'Too many requests'
        : status === 400
          ? 'Not a tracking number'
          : 'Something went wrong';
  return layout(heading, `<h1>${escapeHtml(heading)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
