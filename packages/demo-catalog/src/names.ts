import type { Rng } from './random.js';
import {
  ADJECTIVES,
  FIRST_NAMES,
  LAST_NAMES,
  NOUNS,
  SPANISH_NOUNS,
  SPANISH_PLACES,
  TITLE_PREFIXES,
  TITLE_SUFFIXES,
  TITLE_WORDS,
} from './words.js';

/** The shapes an invented artist name can take; each exercises a different sorting case. */
export type ArtistStyle = 'person' | 'the' | 'digit' | 'los' | 'mixedCase' | 'band' | 'mononym';

/**
 * Styles forced onto the first artists of a plan, so even a small catalog has an accented
 * name, a "The ..." name (A–Z must file it sensibly), one starting with a digit ('#'), a
 * Spanish name and a mixed-case one.
 */
export const REQUIRED_ARTIST_STYLES: readonly ArtistStyle[] = [
  'person',
  'the',
  'digit',
  'los',
  'mixedCase',
  'mononym',
];

const RANDOM_STYLES: readonly ArtistStyle[] = ['person', 'person', 'band', 'the', 'mononym'];

const MONONYMS = ['Beyoncé', 'Rosalía', 'Björk', 'Aaliyah', 'Noémi', 'Adèle', 'Séverine', 'Zoë'];

/** An invented artist name; `style` null picks one at random. */
export function artistName(rng: Rng, style: ArtistStyle | null = null): string {
  const chosen = style ?? rng.pick(RANDOM_STYLES);
  switch (chosen) {
    case 'person':
      return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    case 'the':
      return `The ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 'digit':
      return `${rng.int(2, 99)} ${rng.pick(NOUNS)}`;
    case 'los':
      return `Los ${rng.pick(SPANISH_NOUNS)} del ${rng.pick(SPANISH_PLACES)}`;
    case 'mixedCase': {
      const word = rng.pick(NOUNS).toLowerCase();
      return rng.chance(0.5) ? `dj ${word.toUpperCase()}` : `${word}FM`;
    }
    case 'band':
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 'mononym':
      // Invented variants of one-word stage names: the accent is the point.
      return `${rng.pick(MONONYMS).slice(0, -1)}${rng.pick(['é', 'ë', 'ä', 'ø', 'ï'])}`;
  }
}

/** An invented album title. */
export function albumTitle(rng: Rng): string {
  switch (rng.int(0, 4)) {
    case 0:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 1:
      return `${rng.pick(TITLE_WORDS)} of ${rng.pick(NOUNS)}`;
    case 2:
      return `The ${rng.pick(TITLE_WORDS)} Sessions`;
    case 3:
      return `Live at the ${rng.pick(ADJECTIVES)} ${rng.pick(['Room', 'Café', 'Ballroom', 'Garage'])}`;
    default:
      return rng.pick(TITLE_WORDS);
  }
}

/** An invented track title of one to four words. */
export function trackTitle(rng: Rng): string {
  const word = rng.pick(TITLE_WORDS);
  switch (rng.int(0, 5)) {
    case 0:
      return word;
    case 1:
      return `${rng.pick(TITLE_PREFIXES)} ${word}`;
    case 2:
      return `${word} ${rng.pick(TITLE_SUFFIXES)}`;
    case 3:
      return `${word} & ${rng.pick(TITLE_WORDS)}`;
    case 4:
      return `${rng.pick(TITLE_PREFIXES)} ${word} ${rng.pick(TITLE_SUFFIXES)}`;
    default:
      // A leading digit files the title under "#" in the A–Z index.
      return `${rng.int(1, 99)} ${word}`;
  }
}

/**
 * Draws names until one is new (compared case- and accent-insensitively, as a search would),
 * then adds a numeral as a last resort so plans of any size terminate.
 */
export function uniqueName(taken: Set<string>, draw: () => string): string {
  const key = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  for (let attempt = 0; attempt < 50; attempt++) {
    const name = draw();
    if (!taken.has(key(name))) {
      taken.add(key(name));
      return name;
    }
  }
  const base = draw();
  for (let n = 2; ; n++) {
    const name = `${base} ${toRoman(n)}`;
    if (!taken.has(key(name))) {
      taken.add(key(name));
      return name;
    }
  }
}

function toRoman(n: number): string {
  const table: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  let rest = n;
  for (const [value, numeral] of table) {
    while (rest >= value) {
      out += numeral;
      rest -= value;
    }
  }
  return out;
}

/** A file or folder name safe on Linux, macOS, Windows and FAT-formatted USB sticks. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    // Control characters are invalid in Windows names and unprintable everywhere.
    // eslint-disable-next-line no-control-regex
    .replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_')
    .replace(/[. ]+$/, '')
    .trim();
  return cleaned.length > 0 ? cleaned : '_';
}
