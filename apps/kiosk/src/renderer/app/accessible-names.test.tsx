import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import type { KioskState } from '@jukebox/protocol';
import { sampleState, sampleTrack } from '../api/sample-data.test-util.js';
import { ConfirmSheet } from '../components/ConfirmSheet.js';
import { MoneyBanner } from '../components/MoneyBanner.js';
import { TopBar } from '../components/TopBar.js';
import { Keyboard } from '../components/Keyboard.js';
import { NowPlaying } from '../components/NowPlaying.js';
import { AttractScreen } from '../screens/AttractScreen.js';
import { QueueScreen } from '../screens/QueueScreen.js';
import { createStores, type Stores } from '../stores/index.js';
import { StoresProvider } from './stores-context.js';

// The lead's Playwright suite finds controls by these roles and names; a change here breaks it.

function render(node: ReactNode, stores: Stores = createStores(new FakeApi().api)): string {
  // Server rendering reads each store's *initial* state (zustand's server snapshot); point it
  // at the current state so the markup shows what the test set up.
  for (const store of [stores.kiosk, stores.nav, stores.pick, stores.search, stores.toasts]) {
    (store as { getInitialState: () => unknown }).getInitialState = store.getState;
  }
  return renderToStaticMarkup(<StoresProvider stores={stores}>{node}</StoresProvider>);
}

const noop = () => {};

describe('accessible names', () => {
  it('keyboard keys are buttons named by their character or function', () => {
    const html = render(<Keyboard onKey={noop} onSpace={noop} onBackspace={noop} onClear={noop} />);
    for (const ch of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789']) {
      expect(html).toContain(`<button type="button" class="key">${ch}</button>`);
    }
    expect(html).toMatch(/<button[^>]*>Space<\/button>/);
    expect(html).toMatch(/<button[^>]*>Clear<\/button>/);
    expect(html).toMatch(/<button[^>]*aria-label="Backspace"/);
  });

  it('attract mode has a Touch to start button and the box name as heading', () => {
    const stores = createStores(new FakeApi().api);
    stores.kiosk.getState().applyEvent({ type: 'state', state: sampleState() });
    const html = render(<AttractScreen />, stores);
    expect(html).toMatch(/<button[^>]*>Touch to start<\/button>/);
    expect(html).toContain('<h1 class="attract-title">Corner Bar</h1>');
  });

  it('the confirm sheet is a dialog asking "Play <title>?" with a "Play <title>" button', () => {
    const stores = createStores(new FakeApi().api);
    stores.pick.getState().pick(sampleTrack({ title: 'Heroes', explicit: true }));
    const html = render(<ConfirmSheet />, stores);
    expect(html).toMatch(/role="dialog"[^>]*aria-modal="true"/);
    expect(html).toContain('>Play Heroes?</h2>');
    expect(html).toMatch(/<button[^>]*aria-label="Play Heroes"[^>]*>Play<\/button>/);
    expect(html).toContain('Explicit');
  });

  it('the queue is an ordered list labelled Queue, in play order', () => {
    const stores = createStores(new FakeApi().api);
    const entry = (entryId: number, title: string) => ({
      entryId,
      track: sampleTrack({ id: entryId, title }),
      requestedAt: '2026-01-01T00:00:00Z',
      playNext: false,
    });
    stores.kiosk.getState().applyEvent({
      type: 'state',
      state: sampleState({ queue: [entry(5, 'First'), entry(3, 'Second')] }),
    });
    const html = render(<QueueScreen />, stores);
    expect(html).toContain('<ol class="queue-list" aria-label="Queue">');
    expect(html.indexOf('First')).toBeLessThan(html.indexOf('Second'));
  });

  it('now playing shows a progressbar with the position in seconds', () => {
    const stores = createStores(new FakeApi().api);
    stores.kiosk.getState().applyEvent({
      type: 'state',
      state: sampleState({
        player: 'stopped',
        nowPlaying: {
          entryId: 1,
          playSeq: 1,
          track: sampleTrack(),
          positionMs: 61_000,
          durationMs: 200_000,
          startedAt: '2026-01-01T00:00:00Z',
        },
      }),
    });
    const html = render(<NowPlaying />, stores);
    expect(html).toMatch(/role="progressbar"[^>]*aria-valuemax="200"[^>]*aria-valuenow="61"/);
    expect(html).toContain('aria-valuetext="1:01 of 3:20"');
  });

  describe('money', () => {
    const paid = (credits: number, overrides: Partial<KioskState> = {}) =>
      sampleState({
        credits,
        pricing: { freePlay: false, songPrice: 1, playNextPrice: 3, currency: 'USD', minorUnit: 2 },
        money: { coins: 'ok', notes: 'ok', message: null },
        ...overrides,
      });
    const withState = (state: KioskState, pickTitle?: string) => {
      const stores = createStores(new FakeApi().api);
      stores.kiosk.getState().applyEvent({ type: 'state', state });
      if (pickTitle) stores.pick.getState().pick(sampleTrack({ title: pickTitle }));
      return stores;
    };

    it('the top bar shows "Credits: N" or "Free play" in a polite live region', () => {
      expect(render(<TopBar />, withState(paid(4)))).toContain(
        '<p class="credits" aria-live="polite">Credits: 4</p>',
      );
      expect(render(<TopBar />, withState(sampleState({ credits: 9 })))).toContain(
        '<p class="credits" aria-live="polite">Free play</p>',
      );
    });

    it('the sheet shows the price and offers "Play next <title>" when affordable', () => {
      const html = render(<ConfirmSheet />, withState(paid(3), 'Heroes'));
      expect(html).toContain('<p class="sheet-price">1 credit</p>');
      expect(html).toMatch(/<button[^>]*aria-label="Play Heroes"(?![^>]*disabled)[^>]*>Play</);
      expect(html).toMatch(/<button[^>]*aria-label="Play next Heroes"[^>]*>Play next · 3 credits</);
      expect(html).toContain('<p class="sheet-insert" role="status"></p>');
    });

    it('without enough credits: an insert-money status, Play disabled, no Play next', () => {
      const html = render(<ConfirmSheet />, withState(paid(0), 'Heroes'));
      expect(html).toContain(
        '<p class="sheet-insert" role="status">Insert money: 1 more credit needed</p>',
      );
      expect(html).toMatch(/<button[^>]*aria-label="Play Heroes"[^>]*disabled=""/);
      expect(html).not.toContain('Play next Heroes');
    });

    it('free play: no Play next, price "Free"', () => {
      const html = render(<ConfirmSheet />, withState(sampleState({ credits: 5 }), 'Heroes'));
      expect(html).toContain('<p class="sheet-price">Free</p>');
      expect(html).not.toContain('Play next');
    });

    it('a money fault is an alert banner with the core message, not on free play', () => {
      const faulty = { coins: 'faulty', notes: 'ok', message: 'Bills only' } as const;
      expect(render(<MoneyBanner />, withState(paid(0, { money: faulty })))).toBe(
        '<p class="money-banner" role="alert">Bills only</p>',
      );
      expect(render(<MoneyBanner />, withState(sampleState({ money: faulty })))).toBe('');
    });
  });
});
