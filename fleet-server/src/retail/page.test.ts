import { describe, expect, it } from 'vitest';
import type { PublicOrder } from './api-schemas.js';
import { escapeHtml, renderOrderPage, renderProblemPage } from './page.js';
import { formatDuration } from './words.js';

const order: PublicOrder = {
  trackingNumber: '7K3M-9QXP-2D4F',
  shop: 'Disc & Co "Main St"',
  title: '<script>alert(1)</script>',
  trackCount: 1,
  durationMs: 3_723_000,
  status: 'done',
  statusText: 'Your disc is ready',
  placedAt: '2026-01-15T10:00:00.000Z',
  updatedAt: '2026-01-15T10:07:00.000Z',
  events: [
    { at: '2026-01-15T10:00:00.000Z', kind: 'placed', label: 'Order placed and paid' },
    { at: '2026-01-15T10:07:00.000Z', kind: 'verified', label: "Disc checked: <b>'ready'</b>" },
  ],
};

describe('tracking page', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });

  it('shows the shop, title, status, disc and timeline, every value escaped', () => {
    const html = renderOrderPage(order);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Disc &amp; Co &quot;Main St&quot;');
    expect(html).toContain('Your disc is ready');
    expect(html).toContain('1 track, 1:02:03');
    expect(html).toContain('15 Jan 2026, 10:07 UTC');
    expect(html).toContain('<meta name="viewport"');
    expect(html.match(/<li>/g)).toHaveLength(2);
  });

  it('explains a problem in a page of its own', () => {
    const html = renderProblemPage(404, 'no order has <this> number');
    expect(html).toContain('<h1>Order not found</h1>');
    expect(html).toContain('no order has &lt;this&gt; number');
    expect(renderProblemPage(429, 'slow down')).toContain('Too many requests');
  });

  it('writes a disc time as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(571_500)).toBe('9:32');
    expect(formatDuration(3_600_000)).toBe('1:00:00');
  });
});
