import type { PrintableDisc } from '../disc.js';

/** Titles that trip up fonts and text extraction: accents, quotes, ampersands, dashes. */
const AWKWARD = [
  'Café del Mar',
  'Don\'t Stop "Me" Now',
  'Über Älles & Öl',
  'Señorita – Niño',
  'Ærø Ström',
  "L'été indien",
  'Qu’est-ce que c’est ?',
  'Motörhead Überdrive',
];

/** A disc of `count` tracks with realistic titles; the first ones are the awkward ones. */
export function discOf(count: number, overrides: Partial<PrintableDisc> = {}): PrintableDisc {
  // Lengths that fill at most 79 minutes, as a real disc would.
  const average = Math.min(240_000, (79 * 60_000) / count);
  const tracks = Array.from({ length: count }, (_, i) => ({
    title: AWKWARD[i] ?? `Song number ${i + 1} of the night`,
    artist: i % 3 === 0 ? 'Beyoncé' : i % 3 === 1 ? 'Sigur Rós' : 'The "Quoted" Band',
    durationMs: Math.round(average * (0.75 + ((i * 37) % 50) / 100)),
  }));
  return {
    trackingNumber: '7K3M-9QXP-2D4F',
    title: 'Summer Mix for Zoë',
    performer: 'Various Artists',
    tracks,
    totalMs: tracks.reduce((sum, t) => sum + t.durationMs, 0) + 2000,
    placedAt: new Date(2026, 10, 21, 14, 5),
    shopName: 'Disques Éclair, Montréal',
    ...overrides,
  };
}

/** A title long enough to need the smallest type and several lines. */
export const VERY_LONG_TITLE =
  'The Extraordinarily Long and Winding Compilation of Everything We Danced To at Grand-mère ' +
  "Hélène's 90th Birthday Party, Including the Encores, the Requests and the Slow Ones";
