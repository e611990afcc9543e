import { describe, expect, it } from 'vitest';
import { lineHeightMm, type Measure } from './canvas.js';
import {
  layoutTrackList,
  type ListBox,
  type ListTrack,
  type TrackListLayout,
} from './track-list.js';

const mono: Measure = (text, _role, sizePt) => [...text].length * sizePt * 0.18;
const box: ListBox = { x: 10, y: 20, widthMm: 128, heightMm: 62 };
const opts = { maxPt: 9, minPt: 4, artistsMinPt: 5.5, maxColumns: 3 };

const tracks = (n: number, title: (i: number) => string): ListTrack[] =>
  Array.from({ length: n }, (_, i) => ({ title: title(i), artist: 'Björk', duration: '3:07' }));

/** Every row, number to duration, lies inside the box. */
function expectInside(layout: TrackListLayout): void {
  const lh = lineHeightMm(layout.sizePt);
  for (const r of layout.rows) {
    expect(r.x).toBeGreaterThanOrEqual(box.x - 1e-9);
    expect(r.x + r.width).toBeLessThanOrEqual(box.x + box.widthMm + 1e-6);
    expect(r.y + lh).toBeLessThanOrEqual(box.y + box.heightMm + 1e-6);
    const used = layout.numberWidthMm + 1.2 + mono(r.text, 'regular', layout.sizePt);
    expect(used).toBeLessThanOrEqual(r.width);
  }
}

describe('layoutTrackList', () => {
  it('a short list: one column, the largest type, artists shown', () => {
    const l = layoutTrackList(
      mono,
      tracks(8, (i) => `Song ${i}`),
      box,
      opts,
    );
    expect(l).toMatchObject({ sizePt: 9, columns: 1, showArtists: true });
    expect(l.rows.map((r) => r.number)).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.', '8.']);
    expectInside(l);
  });

  it('99 tracks: smaller type in more columns, every entry whole and numbered', () => {
    const l = layoutTrackList(
      mono,
      tracks(99, (i) => `A song called number ${i}`),
      box,
      opts,
    );
    expect(l.columns).toBeGreaterThan(1);
    expect(l.rows.filter((r) => r.number).map((r) => r.number)).toEqual(
      Array.from({ length: 99 }, (_, i) => `${i + 1}.`),
    );
    expectInside(l);
  });

  it('long titles wrap onto continuation rows without a number', () => {
    const l = layoutTrackList(
      mono,
      tracks(12, () => 'word '.repeat(40).trim()),
      box,
      opts,
    );
    expect(l.rows.length).toBeGreaterThan(12);
    expect(l.rows.filter((r) => r.number === null).every((r) => r.duration === null)).toBe(true);
    expectInside(l);
  });

  it('99 titles of 300 characters: one cut line each at the smallest size, never past the box', () => {
    const l = layoutTrackList(
      mono,
      tracks(99, () => 'x'.repeat(300)),
      box,
      opts,
    );
    expect(l).toMatchObject({ sizePt: 4, columns: 3, showArtists: false });
    expect(l.rows.every((r) => r.text.endsWith('…'))).toBe(true);
    expectInside(l);
  });

  it('a box too small for all: the rest is counted as "+ N more"', () => {
    const tiny = { ...box, heightMm: 10 };
    const l = layoutTrackList(
      mono,
      tracks(99, (i) => `Song ${i}`),
      tiny,
      opts,
    );
    const last = l.rows[l.rows.length - 1]!;
    expect(last.text).toMatch(/^\+ \d+ more$/);
    const shown = l.rows.filter((r) => r.number).length;
    expect(last.text).toBe(`+ ${99 - shown} more`);
  });
});
