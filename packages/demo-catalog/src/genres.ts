import type { ScaleName } from './theory.js';

export const GENRES = [
  'Rock',
  'Pop',
  'Jazz',
  'Electronic',
  'Country',
  'Blues',
  'Hip-Hop',
  'Classical',
] as const;
export type Genre = (typeof GENRES)[number];

/** The oscillator shapes the synthesizer knows (see expression.ts). */
export type Wave = 'sine' | 'warm' | 'square' | 'saw' | 'pluck' | 'organ';

export type BassPattern = 'root4' | 'root8' | 'rootFifth' | 'walking' | 'offbeat' | 'long';
export type ChordRhythm = 'whole' | 'stabs' | 'arp' | 'strum';

/** Sixteenth-note positions (0..15) of drum hits within one 4/4 bar. */
export interface DrumPattern {
  kick: readonly number[];
  snare: readonly number[];
  hat: readonly number[];
}

/** How a genre sounds: the knobs the score writer and the mixer read. */
export interface GenreProfile {
  bpm: readonly [number, number];
  scales: readonly ScaleName[];
  /** Chord progressions as scale degrees (0 = tonic), one chord per bar. */
  progressions: readonly (readonly number[])[];
  /** Delay of off-beat eighths as a fraction of an eighth (0 straight, ~0.33 shuffle). */
  swing: number;
  melody: {
    wave: Wave;
    /** Notes per beat: 1 quarters, 2 eighths, 4 sixteenths. */
    perBeat: number;
    restChance: number;
    octave: number;
    attack: number;
    decay: number;
  };
  bass: { wave: Wave; pattern: BassPattern; decay: number };
  chords: { wave: Wave; rhythm: ChordRhythm; seventh: boolean } | null;
  drums: DrumPattern | null;
  /** Background noise bed (Classical, ambient Electronic). */
  texture: 'pink' | 'brown' | null;
  /** `aecho` arguments for a room, or null for a dry mix. */
  echo: string | null;
  /** Low-pass cutoff of the melody, which sets how bright the genre sounds. */
  brightness: number;
}

const rockBeat: DrumPattern = {
  kick: [0, 8, 10],
  snare: [4, 12],
  hat: [0, 2, 4, 6, 8, 10, 12, 14],
};
const backBeat: DrumPattern = { kick: [0, 6, 8], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] };
const fourFloor: DrumPattern = { kick: [0, 4, 8, 12], snare: [4, 12], hat: [2, 6, 10, 14] };
const swingRide: DrumPattern = { kick: [0, 10], snare: [12], hat: [0, 4, 6, 8, 12, 14] };
const trainBeat: DrumPattern = { kick: [0, 8], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] };
const shuffle: DrumPattern = { kick: [0, 8], snare: [4, 12], hat: [0, 2, 4, 6, 8, 10, 12, 14] };
const boomBap: DrumPattern = {
  kick: [0, 3, 7, 10],
  snare: [4, 12],
  hat: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
};

export const GENRE_PROFILES: Record<Genre, GenreProfile> = {
  Rock: {
    bpm: [112, 150],
    scales: ['minorPentatonic', 'mixolydian', 'minor'],
    progressions: [
      [0, 5, 3, 4],
      [0, 3, 4, 3],
      [0, 6, 5, 4],
    ],
    swing: 0,
    melody: { wave: 'square', perBeat: 2, restChance: 0.2, octave: 5, attack: 0.004, decay: 2 },
    bass: { wave: 'warm', pattern: 'root8', decay: 3 },
    chords: { wave: 'square', rhythm: 'strum', seventh: false },
    drums: rockBeat,
    texture: null,
    echo: null,
    brightness: 2600,
  },
  Pop: {
    bpm: [96, 124],
    scales: ['major', 'majorPentatonic'],
    progressions: [
      [0, 4, 5, 3],
      [5, 3, 0, 4],
      [0, 3, 4, 4],
    ],
    swing: 0,
    melody: { wave: 'warm', perBeat: 2, restChance: 0.25, octave: 5, attack: 0.01, decay: 2.5 },
    bass: { wave: 'sine', pattern: 'root4', decay: 2 },
    chords: { wave: 'warm', rhythm: 'whole', seventh: false },
    drums: backBeat,
    texture: null,
    echo: '0.8:0.7:60:0.25',
    brightness: 5000,
  },
  Jazz: {
    bpm: [96, 160],
    scales: ['dorian', 'mixolydian'],
    progressions: [
      [1, 4, 0, 0],
      [1, 4, 0, 5],
      [0, 5, 1, 4],
    ],
    swing: 0.33,
    melody: { wave: 'sine', perBeat: 2, restChance: 0.3, octave: 5, attack: 0.02, decay: 3 },
    bass: { wave: 'warm', pattern: 'walking', decay: 4 },
    chords: { wave: 'organ', rhythm: 'stabs', seventh: true },
    drums: swingRide,
    texture: null,
    echo: '0.8:0.8:40|70:0.3|0.2',
    brightness: 3500,
  },
  Electronic: {
    bpm: [120, 134],
    scales: ['minor', 'harmonicMinor'],
    progressions: [
      [0, 5, 2, 6],
      [0, 0, 5, 6],
      [0, 3, 5, 4],
    ],
    swing: 0,
    melody: { wave: 'saw', perBeat: 4, restChance: 0.15, octave: 5, attack: 0.002, decay: 9 },
    bass: { wave: 'saw', pattern: 'offbeat', decay: 8 },
    chords: { wave: 'saw', rhythm: 'whole', seventh: false },
    drums: fourFloor,
    texture: 'pink',
    echo: '0.8:0.6:180:0.35',
    brightness: 3000,
  },
  Country: {
    bpm: [92, 124],
    scales: ['majorPentatonic', 'major'],
    progressions: [
      [0, 3, 4, 0],
      [0, 0, 3, 4],
      [0, 4, 3, 0],
    ],
    swing: 0.1,
    melody: { wave: 'pluck', perBeat: 2, restChance: 0.2, octave: 5, attack: 0.002, decay: 5 },
    bass: { wave: 'warm', pattern: 'rootFifth', decay: 4 },
    chords: { wave: 'pluck', rhythm: 'strum', seventh: false },
    drums: trainBeat,
    texture: null,
    echo: null,
    brightness: 4500,
  },
  Blues: {
    bpm: [70, 100],
    scales: ['blues', 'minorPentatonic'],
    progressions: [
      [0, 3, 0, 4],
      [0, 0, 3, 4],
      [0, 3, 4, 3],
    ],
    swing: 0.33,
    melody: { wave: 'organ', perBeat: 2, restChance: 0.35, octave: 4, attack: 0.01, decay: 2 },
    bass: { wave: 'warm', pattern: 'walking', decay: 3 },
    chords: { wave: 'organ', rhythm: 'stabs', seventh: true },
    drums: shuffle,
    texture: null,
    echo: '0.8:0.7:90:0.3',
    brightness: 2200,
  },
  'Hip-Hop': {
    bpm: [80, 96],
    scales: ['minorPentatonic', 'minor'],
    progressions: [
      [0, 0, 5, 4],
      [0, 5, 0, 6],
      [0, 3, 0, 3],
    ],
    swing: 0.15,
    melody: { wave: 'sine', perBeat: 2, restChance: 0.5, octave: 5, attack: 0.005, decay: 4 },
    bass: { wave: 'sine', pattern: 'long', decay: 1.2 },
    chords: { wave: 'warm', rhythm: 'whole', seventh: true },
    drums: boomBap,
    texture: null,
    echo: null,
    brightness: 2000,
  },
  Classical: {
    bpm: [60, 88],
    scales: ['major', 'harmonicMinor'],
    progressions: [
      [0, 3, 4, 0],
      [0, 5, 3, 4],
      [0, 4, 5, 3],
    ],
    swing: 0,
    melody: { wave: 'warm', perBeat: 1, restChance: 0.1, octave: 5, attack: 0.12, decay: 0.6 },
    bass: { wave: 'sine', pattern: 'root4', decay: 0.8 },
    chords: { wave: 'sine', rhythm: 'arp', seventh: false },
    drums: null,
    texture: 'brown',
    echo: '0.8:0.85:120|250:0.35|0.25',
    brightness: 4000,
  },
};
