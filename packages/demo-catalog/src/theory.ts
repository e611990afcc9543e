// Just enough music theory to write tunes that sound like tunes: scales, triads, pitches.

export type ScaleName =
  | 'major'
  | 'minor'
  | 'dorian'
  | 'mixolydian'
  | 'harmonicMinor'
  | 'majorPentatonic'
  | 'minorPentatonic'
  | 'blues';

export const SCALES: Record<ScaleName, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  harmonicMinor: [0, 2, 3, 5, 7, 8, 11],
  majorPentatonic: [0, 2, 4, 7, 9],
  minorPentatonic: [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
};

/** Five- and six-note scales borrow their chords from the seven-note scale they sit in. */
const CHORD_SCALE: Record<ScaleName, ScaleName> = {
  major: 'major',
  minor: 'minor',
  dorian: 'dorian',
  mixolydian: 'mixolydian',
  harmonicMinor: 'harmonicMinor',
  majorPentatonic: 'major',
  minorPentatonic: 'minor',
  blues: 'mixolydian',
};

export const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

/** Equal temperament, A4 = MIDI 69 = 440 Hz. */
export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** Semitone offset of a scale step; steps beyond the scale wrap into higher octaves. */
export function scaleStep(scale: ScaleName, step: number): number {
  const notes = SCALES[scale];
  const octave = Math.floor(step / notes.length);
  const index = step - octave * notes.length;
  return octave * 12 + (notes[index] ?? 0);
}

/**
 * Semitone offsets (from the key root) of the chord on a scale degree: a triad, or a seventh
 * chord when `seventh` (jazz voicings).
 */
export function chordTones(scale: ScaleName, degree: number, seventh = false): number[] {
  const parent = CHORD_SCALE[scale];
  const steps = seventh ? [0, 2, 4, 6] : [0, 2, 4];
  return steps.map((s) => scaleStep(parent, degree + s));
}
