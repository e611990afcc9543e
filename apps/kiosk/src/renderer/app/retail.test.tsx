import type { KioskState, OrderView } from '@jukebox/protocol';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import {
  sampleOrder,
  sampleRetail,
  sampleRetailState,
  sampleTrack,
} from '../api/sample-data.test-util.js';
import { DiscPanel } from '../components/DiscPanel.js';
import { TopBar } from '../components/TopBar.js';
import { TrackList } from '../components/TrackList.js';
import { CheckoutScreen } from '../screens/CheckoutScreen.js';
import { HomeScreen } from '../screens/HomeScreen.js';
import { OrderScreen } from '../screens/OrderScreen.js';
import { createStores, type Stores } from '../stores/index.js';
import { App } from './App.js';
import { StoresProvider } from './stores-context.js';

// Server rendering reads each store's initial state (zustand's server snapshot): point it at
// the current state so the markup shows what the test set up.
function render(node: ReactNode, stores: Stores): string {
  const all = [
    stores.kiosk,
    stores.nav,
    stores.pick,
    stores.search,
    stores.toasts,
    stores.disc,
    stores.checkout,
    stores.preview,
    stores.keepDisc,
  ];
  for (const store of all) {
    (store as { getInitialState: () => unknown }).getInitialState = store.getState;
  }
  return renderToStaticMarkup(<StoresProvider stores={stores}>{node}</StoresProvider>);
}

function retailStores(state: Partial<KioskState> = {}, fake = new FakeApi()): Stores {
  const stores = createStores(fake.api);
  stores.kiosk.getState().applyEvent({ type: 'state', state: sampleRetailState(state) });
  return stores;
}

/** Text content of the element carrying `data-testid="<id>"`. */
function byTestId(html: string, id: string): string | null {
  const match = new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html);
  return match ? match[1]! : null;
}

describe('retail UI', () => {
  describe('disc panel', () => {
    it('shows capacity, track count and price of the disc', () => {
      const stores = retailStores();
      // 52:13 of music in 12 tracks: 11 of 4:21 and one of 4:22.
      for (let i = 0; i < 11; i++)
        stores.disc.getState().add(sampleTrack({ id: i + 1, durationMs: 261_000 }));
      stores.disc.getState().add(sampleTrack({ id: 99, durationMs: 262_000 }));
      const html = render(<DiscPanel />, stores);
      expect(byTestId(html, 'disc-time')).toBe('52:13 of 79:58');
      expect(byTestId(html, 'disc-count')).toBe('12 of 99 tracks');
      // $8.99 for 7, then $1.00 each: 12 tracks cost $13.99.
      expect(byTestId(html, 'disc-price')).toBe('$13.99');
      expect(html).toMatch(
        /role="meter"[^>]*aria-label="Time on disc"[^>]*aria-valuemax="4798"[^>]*aria-valuenow="3133"[^>]*aria-valuetext="52:13 of 79:58"/,
      );
    });

    it('lists the tracks in order with named move and remove buttons, the ends disabled', () => {
      const stores = retailStores();
      stores.disc.getState().add(sampleTrack({ id: 1, title: 'Heroes' }));
      stores.disc.getState().add(sampleTrack({ id: 2, title: 'Low' }));
      stores.disc.getState().add(sampleTrack({ id: 1, title: 'Heroes' }));
      const html = render(<DiscPanel />, stores);
      expect(html).toContain('<ol class="disc-tracks" aria-label="Tracks on your disc">');
      expect(html.match(/data-testid="disc-entry"/g)).toHaveLength(3);
      expect(html.match(/data-testid="drag-handle"/g)).toHaveLength(3);
      expect(html).toMatch(/aria-label="Move up: track 1, Heroes" disabled=""/);
      expect(html).toMatch(/aria-label="Move down: track 3, Heroes" disabled=""/);
      expect(html).toMatch(/aria-label="Move up: track 2, Low"(?! disabled)/);
      expect(html).toContain('aria-label="Remove: track 3, Heroes"');
      expect(html).toMatch(/<button[^>]*>Checkout<\/button>/);
    });

    it('an empty disc: "My Mix", 0:00, no checkout', () => {
      const html = render(<DiscPanel />, retailStores());
      expect(html).toMatch(/<input[^>]*aria-label="Disc title"[^>]*value="My Mix"/);
      expect(html).toContain('aria-label="Edit disc title"');
      expect(byTestId(html, 'disc-time')).toBe('0:00 of 79:58');
      expect(byTestId(html, 'disc-price')).toBe('$0.00');
      expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Checkout<\/button>/);
    });
  });

  describe('track rows', () => {
    it('offer Preview and Add to disc; a track too short says why it cannot be added', () => {
      const stores = retailStores();
      const html = render(
        <TrackList
          label="Songs"
          tracks={[
            sampleTrack({ id: 1, title: 'Heroes' }),
            sampleTrack({ id: 2, title: 'Jingle', durationMs: 3_000 }),
          ]}
        />,
        stores,
      );
      expect(html).toContain('data-testid="track-1"');
      expect(html).toMatch(/aria-label="Preview Heroes" aria-pressed="false"/);
      expect(html).toMatch(/<button[^>]*aria-label="Add Heroes to disc"(?![^>]*disabled)/);
      expect(html).toMatch(/<button[^>]*aria-label="Add Jingle to disc"[^>]*disabled=""/);
      expect(html).toContain('Too short for a CD: a track must last at least 4 seconds');
    });

    it('say when a track is on the disc already, and how often', () => {
      const stores = retailStores();
      const heroes = sampleTrack({ id: 1, title: 'Heroes' });
      stores.disc.getState().add(heroes);
      let html = render(<TrackList label="Songs" tracks={[heroes]} />, stores);
      expect(byTestId(html, 'on-disc')).toBe('On your disc');
      stores.disc.getState().add(heroes);
      html = render(<TrackList label="Songs" tracks={[heroes]} />, stores);
      expect(byTestId(html, 'on-disc')).toBe('On your disc 2 times');
    });

    it('disable Add when the disc has no room left for the track', () => {
      const stores = retailStores({
        retail: sampleRetail({ limits: { maxTracks: 1, minTrackMs: 4_000 } }),
      });
      stores.disc.getState().add(sampleTrack({ id: 1 }));
      const html = render(
        <TrackList label="Songs" tracks={[sampleTrack({ id: 2, title: 'Low' })]} />,
        stores,
      );
      expect(html).toMatch(/aria-label="Add Low to disc"[^>]*disabled=""/);
      expect(html).toContain('The disc is full: a CD holds at most 1 tracks');
    });

    it('the preview button is pressed while its track plays, the others are not', () => {
      const stores = retailStores();
      const listeners: string[] = [];
      stores.preview.getState().attach({
        src: '',
        currentTime: 0,
        duration: 30,
        play: async () => {},
        pause: () => {},
        load: () => {},
        removeAttribute: () => {},
        addEventListener: (type) => void listeners.push(type),
        removeEventListener: () => {},
      });
      const tracks = [
        sampleTrack({ id: 1, title: 'Heroes' }),
        sampleTrack({ id: 2, title: 'Low' }),
      ];
      stores.preview.getState().toggle(2);
      let html = render(<TrackList label="Songs" tracks={tracks} />, stores);
      expect(html).toMatch(/aria-label="Preview Low" aria-pressed="true"/);
      expect(html).toMatch(/aria-label="Preview Heroes" aria-pressed="false"/);
      stores.preview.getState().toggle(2);
      html = render(<TrackList label="Songs" tracks={tracks} />, stores);
      expect(html).toMatch(/aria-label="Preview Low" aria-pressed="false"/);
    });

    it('on a jukebox the rows stay the pick buttons', () => {
      const stores = createStores(new FakeApi().api);
      const html = render(
        <TrackList label="Songs" tracks={[sampleTrack({ title: 'Heroes' })]} />,
        stores,
      );
      expect(html).not.toContain('Preview');
      expect(html).toContain('class="track-row"');
    });
  });

  describe('checkout', () => {
    function atCheckout(credits: number) {
      const stores = retailStores({ credits });
      stores.disc.getState().add(sampleTrack({ id: 1 }));
      stores.disc.getState().add(sampleTrack({ id: 2 }));
      return stores;
    }

    it('shows price, inserted, missing; Burn waits for the money', () => {
      const html = render(<CheckoutScreen />, atCheckout(500));
      expect(byTestId(html, 'checkout-price')).toBe('$8.99');
      expect(byTestId(html, 'checkout-inserted')).toBe('$5.00');
      expect(byTestId(html, 'checkout-missing')).toBe('$3.99');
      expect(byTestId(html, 'checkout-pay-status')).toBe(
        'Insert $3.99 more in coins or notes, or redeem a voucher.',
      );
      expect(html).toMatch(/<button[^>]*aria-label="Burn my CD"[^>]*disabled=""/);
      expect(html).toContain('aria-label="Edit voucher code"');
      expect(html).toContain('aria-label="Edit name"');
      expect(html).toContain('aria-label="Edit email"');
    });

    it('paid in full: Burn is enabled', () => {
      const html = render(<CheckoutScreen />, atCheckout(1_000));
      expect(byTestId(html, 'checkout-missing')).toBe('$0.00');
      expect(byTestId(html, 'checkout-pay-status')).toBe('Paid in full. Ready to burn!');
      expect(html).toMatch(/<button[^>]*aria-label="Burn my CD"(?![^>]*disabled)[^>]*>Burn my CD</);
    });

    it('lists the problems of the quote in an alert, and the voucher answer in a status', async () => {
      const fake = new FakeApi()
        .handle('quoteDisc', async () => ({
          ok: true,
          value: {
            trackCount: 2,
            durationMs: 896_000,
            sectors: 67_350,
            capacitySectors: 360_000,
            price: 899,
            problems: [
              {
                code: 'unknown-track',
                message: '“Heroes” is no longer in the library',
                trackId: 1,
              },
              { code: 'over-capacity', message: 'The disc is 2:10 too long', trackId: undefined },
            ],
          },
        }))
        .handle('redeemVoucher', async () => ({
          ok: false,
          error: { code: 'not_found', message: 'unknown' },
        }));
      const stores = retailStores({ credits: 1_000 }, fake);
      stores.disc.getState().add(sampleTrack({ id: 1 }));
      await stores.checkout.getState().burn();
      stores.checkout.getState().setVoucherCode('NOPE-0000');
      await stores.checkout.getState().redeemVoucher();
      const html = render(<CheckoutScreen />, stores);
      expect(html).toMatch(
        /<ul class="checkout-problems" role="alert" aria-label="Problems with your disc"[^>]*><li>“Heroes” is no longer in the library<\/li><li>The disc is 2:10 too long<\/li><\/ul>/,
      );
      expect(byTestId(html, 'voucher-message')).toBe(
        'We do not know this voucher code. Please check it and try again.',
      );
    });
  });

  describe('confirmation', () => {
    function ordered(order: OrderView) {
      const stores = retailStores();
      stores.kiosk.getState().applyEvent({
        type: 'state',
        state: sampleRetailState({ retail: sampleRetail({ orders: [order] }) }),
      });
      return stores;
    }

    it('shows the tracking number and follows the order as the core pushes its state', () => {
      let html = render(<OrderScreen trackingNumber="7K3M-9QXP-2D4F" />, ordered(sampleOrder()));
      expect(byTestId(html, 'tracking-number')).toBe('7K3M-9QXP-2D4F');
      expect(html).toMatch(/<button[^>]*>Copy tracking number<\/button>/);
      expect(html).toContain('Follow your order');
      expect(html).toMatch(
        /data-testid="order-status" data-status="queued">Waiting for a free burner</,
      );
      expect(html).not.toContain('role="progressbar"');

      const stores = ordered(
        sampleOrder({ status: 'burning', progress: 0.42, message: 'Burning on drive 2' }),
      );
      html = render(<OrderScreen trackingNumber="7K3M-9QXP-2D4F" />, stores);
      expect(html).toMatch(/data-status="burning">Burning your CD</);
      expect(html).toMatch(/role="progressbar" aria-label="Burn progress"[^>]*aria-valuenow="42"/);
      expect(byTestId(html, 'order-message')).toBe('Burning on drive 2');

      stores.kiosk.getState().applyEvent({
        type: 'state',
        state: sampleRetailState({
          retail: sampleRetail({ orders: [sampleOrder({ status: 'done', progress: null })] }),
        }),
      });
      html = render(<OrderScreen trackingNumber="7K3M-9QXP-2D4F" />, stores);
      expect(html).toMatch(
        /data-status="done">Your CD is ready! Please collect it at the counter.</,
      );
      expect(html).not.toContain('role="progressbar"');
    });

    it('says when an order was refunded, with the core message and the amount back', () => {
      const html = render(
        <OrderScreen trackingNumber="7K3M-9QXP-2D4F" />,
        ordered(sampleOrder({ status: 'refunded', message: 'Refunded: the drive failed twice' })),
      );
      expect(html).toMatch(/data-status="refunded">Refunded: we could not make your CD</);
      expect(byTestId(html, 'order-message')).toBe('Refunded: the drive failed twice');
      expect(byTestId(html, 'order-refund')).toBe(
        '$8.99 is back on your credit: use it for another disc.',
      );
    });

    it('shows the order placeOrder returned until the state lists it', () => {
      const stores = retailStores();
      stores.checkout.setState({ placed: sampleOrder({ trackingNumber: 'AAAA-BBBB-CCCC' }) });
      const html = render(<OrderScreen trackingNumber="AAAA-BBBB-CCCC" />, stores);
      expect(byTestId(html, 'tracking-number')).toBe('AAAA-BBBB-CCCC');
    });
  });

  it('the retail app: credit as money, no queue, the disc panel beside the catalogue', () => {
    const stores = retailStores({ credits: 250 });
    stores.nav.getState().home();
    const html = render(<App />, stores);
    expect(html).toContain('<p class="credits" aria-live="polite">Credit: $2.50</p>');
    expect(html).toContain('class="app retail with-disc"');
    expect(html).toContain('aria-label="Your disc"');
    expect(html).toContain('data-testid="preview-audio"');
    expect(html).not.toContain('Now playing');
    expect(render(<HomeScreen />, stores)).not.toMatch(/>Queue</);
    expect(render(<TopBar />, stores)).toContain('Credit: $2.50');
  });

  it('the checkout and confirmation put the disc panel away', () => {
    const stores = retailStores();
    stores.nav.getState().push({ name: 'checkout' });
    expect(render(<App />, stores)).not.toContain('aria-label="Your disc"');
  });
});
