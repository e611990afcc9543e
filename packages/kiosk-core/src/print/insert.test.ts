import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from './canvas.js';
import { PAPER } from './canvas.js';
import { PrintError } from './errors.js';
import { insertLayout, renderInsert } from './insert.js';
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
  dir = mkdtempSync(path.join(tmpdir(), 'kc-print-insert-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const URL = 'https://shop.example/track/7K3M-9QXP-2D4F';
const SLACK_MM = 0.3;

function inside(w: Word, b: Box): boolean {
  return (
    w.x0 >= b.x - SLACK_MM &&
    w.y0 >= b.y - SLACK_MM &&
    w.x1 <= b.x + b.widthMm + SLACK_MM &&
    w.y1 <= b.y + b.heightMm + SLACK_MM
  );
}

function overlaps(w: Word, b: Box): boolean {
  return w.x0 < b.x + b.widthMm && w.x1 > b.x && w.y0 < b.y + b.heightMm && w.y1 > b.y;
}

/** Every word lies on the front or the tray card, and none runs into the QR code. */
function expectWordsInTrimBoxes(pdf: string, paper: 'A4' | 'LETTER'): void {
  const layout = insertLayout(paper);
  const words = pdfWords(pdf);
  const strays = words.filter((w) => !inside(w, layout.front) && !inside(w, layout.tray));
  expect(strays).toEqual([]);
  expect(words.filter((w) => overlaps(w, layout.qr))).toEqual([]);
}

describe('renderInsert', () => {
  it('A4, 15 tracks: one page at real size, every title and the tracking number, QR to the URL', async () => {
    const disc = discOf(15, { trackingUrl: URL, recordingId: 'rec-1234' });
    const pdf = await renderInsert(disc, { paper: 'A4' });
    const out = renderPng(pdf, dir, 'a4-15');

    expect(pageCount(out.pdf)).toBe(1);
    expect([out.width, out.height]).toEqual([pixelsAt100Dpi(210), pixelsAt100Dpi(297)]);
    const text = pdfText(out.pdf);
    expect(text).toContain('7K3M-9QXP-2D4F');
    for (const t of disc.tracks) expect(text).toContain(t.title);
    expect(text).toContain('Summer Mix for Zoë');
    expect(text).toContain('Disques Éclair, Montréal');
    expect(text).toContain('15 tracks');
    expect(text).toContain('Recording rec-1234');
    expect(text).toContain('2026-11-21');
    expect(decodeQr(out.png)).toEqual([URL]);
    expectWordsInTrimBoxes(out.pdf, 'A4');
  });

  it('Letter, 99 tracks and a very long title: everything fits, the QR holds the tracking number', async () => {
    const disc = discOf(99, { title: VERY_LONG_TITLE });
    const pdf = await renderInsert(disc, { paper: 'LETTER' });
    const out = renderPng(pdf, dir, 'letter-99');

    expect(pageCount(out.pdf)).toBe(1);
    expect([out.width, out.height]).toEqual([
      pixelsAt100Dpi(PAPER.LETTER.widthMm),
      pixelsAt100Dpi(PAPER.LETTER.heightMm),
    ]);
    const text = pdfText(out.pdf);
    expect(text).toContain('7K3M-9QXP-2D4F');
    expect(text).toContain(VERY_LONG_TITLE);
    for (const t of disc.tracks) expect(text).toContain(t.title);
    expect(text).toContain('99.');
    expect(decodeQr(out.png)).toEqual(['7K3M-9QXP-2D4F']);
    expectWordsInTrimBoxes(out.pdf, 'LETTER');
  });

  it('long track titles wrap onto more lines and stay whole', async () => {
    const disc = discOf(20);
    disc.tracks = disc.tracks.map((t, i) => ({
      ...t,
      title: `${i + 1} ${'Un très long titre de chanson qui ne finit jamais '.repeat(2).trim()}`,
    }));
    const out = renderPng(await renderInsert(disc, { paper: 'A4' }), dir, 'a4-long-tracks');
    const text = pdfText(out.pdf);
    for (const t of disc.tracks) expect(text).toContain(t.title);
    expectWordsInTrimBoxes(out.pdf, 'A4');
  });

  it('a single one-second track and a title without spaces still lay out', async () => {
    const disc = discOf(1, { title: 'X'.repeat(200), performer: 'Ñ'.repeat(200) });
    disc.tracks[0]!.durationMs = 1000;
    disc.totalMs = 1000;
    const out = renderPng(await renderInsert(disc, { paper: 'A4' }), dir, 'a4-one');
    expect(pdfText(out.pdf)).toContain('1 track · total 0:01');
    expectWordsInTrimBoxes(out.pdf, 'A4');
  });

  it('prints with Helvetica when DejaVu Sans is missing, folding what it cannot show', async () => {
    const disc = discOf(3, { title: 'Łódź Nights', performer: 'Дом Band' });
    const pdf = await renderInsert(disc, { paper: 'A4', fontDir: path.join(dir, 'no-fonts') });
    const out = renderPng(pdf, dir, 'a4-helvetica');
    const text = pdfText(out.pdf);
    expect(text).toContain('Lódz Nights');
    expect(text).toContain('??? Band');
    // Latin-1 accents survive in Helvetica.
    expect(text).toContain('Café del Mar');
    expect(decodeQr(out.png)).toEqual(['7K3M-9QXP-2D4F']);
  });

  describe('refuses a disc it cannot print, naming the field', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['no tracks', { tracks: [] }, /tracks: a disc has at least one track/],
      ['100 tracks', { tracks: discOf(100).tracks }, /tracks: a disc holds at most 99 tracks/],
      [
        'a negative duration',
        { tracks: [{ title: 'A', artist: 'B', durationMs: -1 }] },
        /tracks\.0\.durationMs: the track duration cannot be negative/,
      ],
      [
        'a bad tracking number',
        { trackingNumber: '7K3M9QXP' },
        /trackingNumber: a tracking number/,
      ],
      ['an empty title', { title: '' }, /title: the disc title is empty/],
      ['a line break in a title', { title: 'a\nb' }, /title: the disc title holds control/],
      ['a bad date', { placedAt: new Date('nope') }, /placedAt/],
      ['a bad URL', { trackingUrl: 'not a url' }, /trackingUrl: trackingUrl is not a URL/],
    ];
    for (const [what, patch, message] of cases) {
      it(what, async () => {
        const bad = { ...discOf(3), ...patch };
        const err = await renderInsert(bad as never, { paper: 'A4' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PrintError);
        expect((err as PrintError).reason).toBe('invalid-disc');
        expect((err as PrintError).message).toMatch(message);
      });
    }
  });
});
