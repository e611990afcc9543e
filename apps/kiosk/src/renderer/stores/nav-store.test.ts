import { describe, expect, it } from 'vitest';
import { createNavStore, currentScreen } from './nav-store.js';

describe('nav store', () => {
  it('starts in attract mode and a touch leads home', () => {
    const nav = createNavStore();
    expect(currentScreen(nav.getState())).toEqual({ name: 'attract' });
    nav.getState().push({ name: 'home' });
    expect(nav.getState().stack).toEqual([{ name: 'home' }]);
  });

  it('stacks screens and goes back in order', () => {
    const nav = createNavStore({ name: 'home' });
    nav.getState().push({ name: 'letters', by: 'artist' });
    nav.getState().push({ name: 'artist', artistId: 4 });
    nav.getState().push({ name: 'album', albumId: 9 });
    nav.getState().back();
    expect(currentScreen(nav.getState())).toEqual({ name: 'artist', artistId: 4 });
    nav.getState().back();
    nav.getState().back();
    expect(nav.getState().stack).toEqual([{ name: 'home' }]);
    nav.getState().back();
    expect(nav.getState().stack).toEqual([{ name: 'home' }]);
  });

  it('forgets history on home and on attract', () => {
    const nav = createNavStore({ name: 'home' });
    nav.getState().push({ name: 'search' });
    nav.getState().push({ name: 'queue' });
    nav.getState().home();
    expect(nav.getState().stack).toEqual([{ name: 'home' }]);
    nav.getState().push({ name: 'search' });
    nav.getState().attract();
    expect(nav.getState().stack).toEqual([{ name: 'attract' }]);
  });

  it('never leaves attract under a pushed screen', () => {
    const nav = createNavStore();
    nav.getState().push({ name: 'queue' });
    expect(nav.getState().stack).toEqual([{ name: 'queue' }]);
    nav.getState().back();
    expect(nav.getState().stack).toEqual([{ name: 'home' }]);
  });
});
