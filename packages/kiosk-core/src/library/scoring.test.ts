import { describe, expect, it } from 'vitest';
import { score } from './scoring.js';

describe('score', () => {
  it('prefers title over artist over album, and whole words over prefixes', () => {
    const title = score(['Love', 'Zoë', null], ['love'])!;
    const artist = score(['Halo', 'Love Inc', null], ['love'])!;
    const album = score(['Halo', 'Zoë', 'Love Songs'], ['love'])!;
    expect(title).toBeGreaterThan(artist);
    expect(artist).toBeGreaterThan(album);
    expect(score(['Love'], ['lov'])!).toBeLessThan(score(['Love'], ['love'])!);
  });

  it('folds accents and case, and disqualifies a row missing a word', () => {
    expect(score(['Crazy', 'Beyoncé'], ['beyon'])).not.toBeNull();
    expect(score(['Crazy', 'Beyoncé'], ['beyon', 'x'])).toBeNull();
    expect(score(['Crazy', 'Beyoncé'], [])).toBe(0);
  });
});
