import { GENRE_PROFILES, type BassPattern, type ChordRhythm, type Wave } from './genres.js';
import type { PlannedTrack } from './plan.js';
import { createRng, type Rng } from './random.js';
import { chordTones, midiToHz, scaleStep } from './theory.js';

/** One note (or chord, or drum hit) within a voice's loop. Times in seconds. */
export interface NoteEvent {
  start: number;
  dur: number;
  /** One to four pitches sounding together; empty for noise voices. */
  freqs: number[];
  amp: number;
}

export type VoiceKind = 'tone' | 'kick' | 'hat' | 'snare';

/** One synthesized part: a loop of events rendered by one aevalsrc (expression.ts). */
export interface Voice {
  name: string;
  kind: VoiceKind;
  wave: Wave;
  events: NoteEvent[];
  /** Loop length in seconds; the events repeat for the whole track. */
  loop: number;
  attack: number;
  /** Exponential decay rate per second. */
  decay: number;
  /** Extra ffmpeg filters for this part (e.g. a low-pass), applied before panning. */
  filters: string[];
  /** -1 left .. 1 right. */
  pan: number;
  /** Seconds of silence before the part comes in (arrangement). */
  entry: number;
}

/** Everything the mixer needs: the parts, and genre-level effects. */
export interface Score {
  voices: Voice[];
  texture: 'pink' | 'brown' | null;
  echo: string | null;
  bpm: number;
}

const BARS = 8;
const BEATS = 4;

/** Writes the score of a track: melody, bass, chords, drums, chosen by genre and seed. */
export function writeScore(track: PlannedTrack): Score {
  const profile = GENRE_PROFILES[track.genre];
  const { bpm, rootMidi, scale, progression } = track.music;
  const rng = createRng(track.music.seed, 'score');
  const beat = 60 / bpm;
  const bar = beat * BEATS;
  const loop = bar * BARS;
  const sixteenth = beat / 4;
  // Swing delays every off-beat eighth; it is applied to any event on such a position.
  const at = (bar_: number, step16: number): number => {
    const offbeat = step16 % 4 === 2;
    return bar_ * bar + step16 * sixteenth + (offbeat ? profile.swing * sixteenth * 2 : 0);
  };
  const chordAt = (bar_: number) => progression[bar_ % progression.length] ?? 0;
  const hz = (semitones: number) => round(midiToHz(rootMidi + semitones));

  const voices: Voice[] = [];

  // Melody: a phrase over bars 0-3, repeated in bars 4-7 with its second half rewritten, so
  // it has a shape (statement, answer) rather than a tone or a random walk without end.
  const m = profile.melody;
  const stepsPerBar = BEATS * m.perBeat;
  const phrase = melodyPhrase(rng, scale, chordAt, stepsPerBar, m.restChance);
  const answer = melodyPhrase(rng, scale, chordAt, stepsPerBar, m.restChance);
  const melodyEvents: NoteEvent[] = [];
  const stepLen = (16 / stepsPerBar) | 0;
  for (let b = 0; b < BARS; b++) {
    const source = b >= 6 ? answer : phrase;
    for (let s = 0; s < stepsPerBar; s++) {
      const note = source[(b % 4) * stepsPerBar + s];
      if (note === undefined || note === null) continue;
      melodyEvents.push({
        start: at(b, s * stepLen),
        dur: note.len * stepLen * sixteenth * 0.95,
        freqs: [hz(12 * (m.octave - 4) + note.semitones)],
        amp: s === 0 ? 1 : 0.8,
      });
    }
  }
  voices.push({
    name: 'melody',
    kind: 'tone',
    wave: m.wave,
    events: melodyEvents,
    loop,
    attack: m.attack,
    decay: m.decay,
    filters: [`lowpass=f=${profile.brightness}`],
    pan: rng.range(-0.4, 0.4),
    entry: bar * (rng.chance(0.5) ? 2 : 1),
  });

  voices.push({
    name: 'bass',
    kind: 'tone',
    wave: profile.bass.wave,
    events: bassLine(profile.bass.pattern, rng, scale, chordAt, at, hz, beat),
    loop,
    attack: 0.005,
    decay: profile.bass.decay,
    filters: ['lowpass=f=900'],
    pan: 0,
    entry: 0,
  });

  if (profile.chords) {
    const c = profile.chords;
    voices.push({
      name: 'chords',
      kind: 'tone',
      wave: c.wave,
      events: chordPart(c.rhythm, c.seventh, scale, chordAt, at, hz, beat, bar),
      loop,
      attack: c.rhythm === 'whole' ? 0.08 : 0.004,
      decay: c.rhythm === 'whole' ? 0.4 : 3,
      filters: [`lowpass=f=${Math.round(profile.brightness * 0.8)}`],
      pan: rng.range(-0.5, 0.5),
      entry: 0,
    });
  }

  if (profile.drums) {
    const d = profile.drums;
    const hits = (steps: readonly number[], amp: number, len: number): NoteEvent[] => {
      const out: NoteEvent[] = [];
      // Drum patterns repeat every bar, so their loop is one bar: a much smaller lookup tree.
      for (const s of steps) out.push({ start: at(0, s), dur: len, freqs: [], amp });
      return out;
    };
    voices.push({
      name: 'kick',
      kind: 'kick',
      wave: 'sine',
      events: hits(d.kick, 1, 0.35),
      loop: bar,
      attack: 0.001,
      decay: 9,
      filters: [],
      pan: 0,
      entry: 0,
    });
    voices.push({
      name: 'snare',
      kind: 'snare',
      wave: 'sine',
      events: hits(d.snare, 0.8, 0.2),
      loop: bar,
      attack: 0.001,
      decay: 22,
      filters: ['bandpass=f=1800:width_type=q:w=0.7'],
      pan: 0.1,
      entry: 0,
    });
    voices.push({
      name: 'hat',
      kind: 'hat',
      wave: 'sine',
      events: hits(d.hat, 0.45, 0.08),
      loop: bar,
      attack: 0.001,
      decay: 60,
      filters: ['highpass=f=7000'],
      pan: -0.25,
      entry: 0,
    });
  }

  return { voices, texture: profile.texture, echo: profile.echo, bpm };
}

interface PhraseNote {
  semitones: number;
  /** Length in melody steps. */
  len: number;
}

/** Four bars of melody: a bounded walk over the scale that lands on chord tones on downbeats. */
function melodyPhrase(
  rng: Rng,
  scale: Parameters<typeof scaleStep>[0],
  chordAt: (bar: number) => number,
  stepsPerBar: number,
  restChance: number,
): (PhraseNote | null)[] {
  const out: (PhraseNote | null)[] = [];
  let step = rng.int(3, 7);
  for (let b = 0; b < 4; b++) {
    const chord = chordTones(scale, chordAt(b));
    for (let s = 0; s < stepsPerBar; s++) {
      if (s > 0 && rng.chance(restChance)) {
        out.push(null);
        continue;
      }
      step = Math.max(0, Math.min(11, step + rng.pick([-2, -1, -1, 1, 1, 2, 0, 3, -3])));
      let semitones = scaleStep(scale, step);
      if (s === 0) {
        // Snap the downbeat to the nearest chord tone so the tune agrees with the harmony.
        const candidates = chord.flatMap((t) => [t, t + 12]);
        semitones = candidates.reduce((best, t) =>
          Math.abs(t - semitones) < Math.abs(best - semitones) ? t : best,
        );
      }
      const len = s + 1 < stepsPerBar && rng.chance(0.25) ? 2 : 1;
      out.push({ semitones, len });
      if (len === 2) {
        out.push(null);
        s++;
      }
    }
  }
  return out;
}

type At = (bar: number, step16: number) => number;
type Hz = (semitones: number) => number;

function bassLine(
  pattern: BassPattern,
  rng: Rng,
  scale: Parameters<typeof scaleStep>[0],
  chordAt: (bar: number) => number,
  at: At,
  hz: Hz,
  beat: number,
): NoteEvent[] {
  const out: NoteEvent[] = [];
  for (let b = 0; b < BARS; b++) {
    const [root = 0, , fifth = 7] = chordTones(scale, chordAt(b));
    const r = root - 12;
    const note = (step16: number, semis: number, beats: number, amp = 1) =>
      out.push({ start: at(b, step16), dur: beats * beat * 0.9, freqs: [hz(semis)], amp });
    switch (pattern) {
      case 'root4':
        for (let q = 0; q < 4; q++) note(q * 4, r, 1);
        break;
      case 'root8':
        for (let e = 0; e < 8; e++) note(e * 2, r, 0.5, e % 2 === 0 ? 1 : 0.8);
        break;
      case 'rootFifth':
        for (let q = 0; q < 4; q++) note(q * 4, q % 2 === 0 ? r : fifth - 12, 1);
        break;
      case 'offbeat':
        for (let q = 0; q < 4; q++) note(q * 4 + 2, r, 0.5);
        break;
      case 'long':
        note(0, r - 12 < 24 ? r : r - 12, 2.5);
        if (rng.chance(0.6)) note(10, r, 1.2, 0.8);
        break;
      case 'walking': {
        // Root on beat one, then scale steps that lead towards the next bar's root.
        note(0, r, 1);
        for (let q = 1; q < 4; q++) note(q * 4, r + scaleStep(scale, rng.int(1, 4)), 1, 0.85);
        break;
      }
    }
  }
  return out;
}

function chordPart(
  rhythm: ChordRhythm,
  seventh: boolean,
  scale: Parameters<typeof scaleStep>[0],
  chordAt: (bar: number) => number,
  at: At,
  hz: Hz,
  beat: number,
  bar: number,
): NoteEvent[] {
  const out: NoteEvent[] = [];
  for (let b = 0; b < BARS; b++) {
    const tones = chordTones(scale, chordAt(b), seventh).map(hz);
    switch (rhythm) {
      case 'whole':
        out.push({ start: at(b, 0), dur: bar * 0.97, freqs: tones, amp: 0.6 });
        break;
      case 'stabs':
        out.push({ start: at(b, 2), dur: beat * 0.4, freqs: tones, amp: 0.7 });
        out.push({ start: at(b, 10), dur: beat * 0.4, freqs: tones, amp: 0.6 });
        break;
      case 'strum':
        for (let q = 0; q < 4; q++) {
          out.push({
            start: at(b, q * 4),
            dur: beat * 0.9,
            freqs: tones,
            amp: q === 0 ? 0.8 : 0.6,
          });
        }
        break;
      case 'arp':
        for (let e = 0; e < 8; e++) {
          const tone = tones[e % tones.length] ?? 0;
          out.push({ start: at(b, e * 2), dur: beat * 0.5, freqs: [tone], amp: 0.6 });
        }
        break;
    }
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
