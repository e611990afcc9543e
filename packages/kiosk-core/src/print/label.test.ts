import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAPER } from './canvas.js';
import { PrintError } from './errors.js';
import { LABEL, chordHalfWidth, labelLayout, renderLabel } from './label.js';
import { discOf, VERY_LONG_TITLE } from './test-support/discs.js';
import {
  decodeQr,
  pageCount,
  pdfText,
  pdfWords,
  pixelsAt100Dpi,
  renderPng,
  type Word,
} from './test-support/poppler.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kc-print-label-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every word's box lies inside the disc and clear of the hub hole. */
function expectWordsOnTheRing(pdf: string, paper?: 'A4' | 'LETTER'): void {
  const { cx, cy } = labelLayout(paper);
  const outer = LABEL.diameterMm / 2;
  const hub = LABEL.hubDiameterMm / 2;
  const offRing = (w: Word) => {
    const corners = [
      [w.x0, w.y0],
      [w.x1, w.y0],
      [w.x0, w.y1],
      [w.x1, w.y1],
    ].map(([x, y]) => Math.hypot(x! - cx, y! - cy));
    // The box point nearest the centre, to check the hub.
    const nx = Math.max(w.x0, Math.min(cx, w.x1));
    const ny = Math.max(w.y0, Math.min(cy, w.y1));
    return Math.max(...corners) > outer || Math.hypot(nx - cx, ny - cy) < hub;
  };
  expect(pdfWords(pdf).filter(offRing)).toEqual([]);
}

describe('renderLabel', () => {
  it('a 120 mm page for a label printer: title, every track of a short disc, tracking number, QR', async () => {
    const url = 'https://shop.example/track/7K3M-9QXP-2D4F';
    const disc = discOf(6, { trackingUrl: url });
    const out = renderPng(await renderLabel(disc), dir, 'disc-6');

    expect(pageCount(out.pdf)).toBe(1);
    expect([out.width, out.height]).toEqual([pixelsAt100Dpi(120), pixelsAt100Dpi(120)]);
    const text = pdfText(out.pdf);
    expect(text).toContain('Summer Mix for Zoë');
    expect(text).toContain('Various Artists');
    expect(text).toContain('7K3M-9QXP-2D4F');
    for (const t of disc.tracks) expect(text).toContain(t.title);
    expect(text).toContain('6 tracks');
    expect(decodeQr(out.png)).toEqual([url]);
    expectWordsOnTheRing(out.pdf);
  });

  it('on A4, 99 tracks and a very long title: the count instead of the list, all on the ring', async () => {
    const disc = discOf(99, { title: VERY_LONG_TITLE });
    const out = renderPng(await renderLabel(disc, { paper: 'A4' }), dir, 'a4-99');

    expect([out.width, out.height]).toEqual([
      pixelsAt100Dpi(PAPER.A4.widthMm),
      pixelsAt100Dpi(PAPER.A4.heightMm),
    ]);
    const text = pdfText(out.pdf);
    expect(text).toContain('7K3M-9QXP-2D4F');
    expect(text).toContain('99 tracks');
    expect(text).not.toContain('Song number 50');
    // The title is fitted (smaller type, three lines, cut at the end if it must be).
    expect(text).toContain('The Extraordinarily Long');
    expect(decodeQr(out.png)).toEqual(['7K3M-9QXP-2D4F']);
    expectWordsOnTheRing(out.pdf, 'A4');
  });

  it('a title that cannot fit even in small type ends with an ellipsis inside the circle', async () => {
    const disc = discOf(3, { title: `${VERY_LONG_TITLE} ${VERY_LONG_TITLE}`.slice(0, 200) });
    const out = renderPng(await renderLabel(disc, { paper: 'LETTER' }), dir, 'letter-cut');
    expect(pdfText(out.pdf)).toContain('…');
    expectWordsOnTheRing(out.pdf, 'LETTER');
  });

  it('refuses a disc without tracks', async () => {
    const err = await renderLabel({ ...discOf(1), tracks: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrintError);
    expect((err as PrintError).message).toMatch(/tracks: a disc has at least one track/);
  });
});

describe('chordHalfWidth', () => {
  it('is the circle half-width at the line edge farthest from the centre', () => {
    expect(chordHalfWidth(-3, 3, 10)).toBe(10);
    expect(chordHalfWidth(6, 8, 10)).toBeCloseTo(6);
    expect(chordHalfWidth(-8, -6, 10)).toBeCloseTo(6);
    expect(chordHalfWidth(9, 11, 10)).toBe(0);
  });
});
