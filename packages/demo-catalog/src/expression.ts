import type { Wave } from './genres.js';
import type { NoteEvent, Score, Voice } from './score.js';

// Each voice is one aevalsrc expression. ffmpeg expression variables (st/ld 0-9) used:
//   0 time within the loop   1 event start   2 event length   3 event amplitude
//   4-7 event pitches (Hz)   8 time since the event started   9 phase base or noise state
// The event lookup is a binary tree of if()s (ffmpeg evaluates only the taken branch), so a
// sample costs log2(events) comparisons instead of one per note.

/** Output rate of the synthesizer; the MP3 keeps it. */
export const SAMPLE_RATE = 44_100;

const MIX_LEVEL: Record<string, number> = {
  melody: 0.32,
  bass: 0.4,
  chords: 0.2,
  kick: 0.75,
  snare: 0.35,
  hat: 0.14,
};

/** The aevalsrc expression of one voice (mono). */
export function voiceExpression(voice: Voice): string {
  const events = [...voice.events].sort((a, b) => a.start - b.start);
  if (events.length === 0 || (events[0]?.start ?? 0) > 0) {
    events.unshift({ start: 0, dur: 0, freqs: [], amp: 0 });
  }
  const voices = Math.max(1, ...events.map((e) => e.freqs.length));
  const lookup = tree(events, 0, events.length - 1, voices);
  const env =
    `ld(3)*min(1,ld(8)/${num(voice.attack)})*exp(-ld(8)*${num(voice.decay)})` +
    // A 10 ms linear release at the end of each note, so a cut never clicks.
    `*max(0,min(1,(ld(2)-ld(8))/0.01))`;
  return `st(0,mod(t,${num(voice.loop)}));${lookup};st(8,ld(0)-ld(1));${body(voice, voices)}*${env}`;
}

function tree(events: NoteEvent[], lo: number, hi: number, voices: number): string {
  if (lo === hi) return leaf(events[lo] as NoteEvent, voices);
  const mid = Math.ceil((lo + hi + 1) / 2);
  const split = (events[mid] as NoteEvent).start;
  return `if(lt(ld(0),${num(split)}),${tree(events, lo, mid - 1, voices)},${tree(events, mid, hi, voices)})`;
}

function leaf(e: NoteEvent, voices: number): string {
  const parts = [`st(1,${num(e.start)})`, `st(2,${num(e.dur)})`, `st(3,${num(e.amp)})`];
  for (let i = 0; i < Math.min(voices, 4); i++) parts.push(`st(${4 + i},${num(e.freqs[i] ?? 0)})`);
  // Parenthesised: ';' inside an if() argument would otherwise end the argument list.
  return `(${parts.join(';')})`;
}

function body(voice: Voice, pitches: number): string {
  switch (voice.kind) {
    case 'kick':
      // A sine swept down from ~170 Hz to 50 Hz: the pitched, decaying thump of a kick drum.
      return 'sin(2*PI*(50*ld(8)+4.8*(1-exp(-ld(8)*25))))';
    case 'snare':
      return '(0.8*(random(9)*2-1)+0.5*sin(2*PI*185*ld(8)))';
    case 'hat':
      return '(random(9)*2-1)';
    case 'tone': {
      const n = Math.min(pitches, 4);
      const terms: string[] = [];
      for (let i = 0; i < n; i++) terms.push(wave(voice.wave, `ld(9)*ld(${4 + i})`));
      const scale = n > 1 ? `/${n}` : '';
      return `(st(9,2*PI*ld(8));(${terms.join('+')})${scale})`;
    }
  }
}

function wave(shape: Wave, phase: string): string {
  const p = `(${phase})`;
  switch (shape) {
    case 'sine':
      return `sin(${p})`;
    case 'warm':
      return `(sin(${p})+0.35*sin(2*${p})+0.15*sin(3*${p}))`;
    case 'square':
      return `tanh(3*sin(${p}))`;
    case 'saw':
      return `0.6*(sin(${p})+sin(2*${p})/2+sin(3*${p})/3+sin(4*${p})/4+sin(5*${p})/5)`;
    case 'pluck':
      return `(sin(${p})+0.5*sin(2*${p})+0.3*sin(3*${p}))*exp(-ld(8)*6)`;
    case 'organ':
      return `(sin(${p})+0.5*sin(2*${p})+0.3*sin(4*${p}))`;
  }
}

/** Options for the mixdown graph. */
export interface GraphOptions {
  durationMs: number;
  /** Seed of noise textures. */
  seed: number;
  /** When set, input 0 is a speech WAV mixed over the intro. */
  speech: boolean;
}

/**
 * The whole filtergraph of a track: one source per voice, per-voice filters and panning, the
 * mix, room echo, fades, and an `ebur128=framelog=40` meter whose summary the caller reads from the log.
 * The output pad is `[out]`: 32-bit float stereo, so levels above full scale survive until
 * the encoder pass sets the final gain.
 */
export function mixGraph(score: Score, options: GraphOptions): string {
  const d = (options.durationMs / 1000).toFixed(3);
  const totalSamples = Math.round((options.durationMs / 1000) * SAMPLE_RATE);
  const chains: string[] = [];
  const pads: string[] = [];
  score.voices.forEach((voice, i) => {
    const level = MIX_LEVEL[voice.name] ?? 0.3;
    const left = num(level * Math.min(1, 1 - voice.pan));
    const right = num(level * Math.min(1, 1 + voice.pan));
    // Synthesis is the expensive part, so one loop is computed and then repeated by aloop.
    const loopSeconds = Math.min(voice.loop, options.durationMs / 1000);
    const filters = [
      `aevalsrc=exprs='${voiceExpression(voice)}':s=${SAMPLE_RATE}:d=${loopSeconds.toFixed(6)}`,
      `aloop=loop=-1:size=${Math.round(loopSeconds * SAMPLE_RATE)}`,
      `atrim=end_sample=${totalSamples}`,
      ...(voice.entry > 0 ? [`volume=0:enable='lt(t,${num(voice.entry)})'`] : []),
      ...voice.filters,
      `pan=stereo|c0=${left}*c0|c1=${right}*c0`,
    ];
    chains.push(`${filters.join(',')}[v${i}]`);
    pads.push(`[v${i}]`);
  });
  if (score.texture) {
    const colour = score.texture;
    chains.push(
      `anoisesrc=d=${d}:c=${colour}:r=${SAMPLE_RATE}:a=0.5:seed=${options.seed >>> 0},` +
        `lowpass=f=1500,tremolo=f=0.15:d=0.6,volume=0.12,pan=stereo|c0=c0|c1=c0[tex]`,
    );
    pads.push('[tex]');
  }
  if (options.speech) {
    chains.push(
      `[0:a]aresample=${SAMPLE_RATE},pan=stereo|c0=c0|c1=c0,adelay=400|400,volume=1.2[speech]`,
    );
    pads.push('[speech]');
  }
  const fadeOut = Math.min(1.5, options.durationMs / 4000);
  const post = [
    // duration=first: the first voice lasts exactly the track; speech may be longer.
    `amix=inputs=${pads.length}:normalize=0:duration=first`,
    // aecho flushes its echo tail after the input ends: trim back to the planned length.
    ...(score.echo ? [`aecho=${score.echo}`, `atrim=end_sample=${totalSamples}`] : []),
    `afade=t=in:d=0.05`,
    `afade=t=out:st=${(options.durationMs / 1000 - fadeOut).toFixed(3)}:d=${fadeOut.toFixed(3)}`,
    `aformat=sample_fmts=flt:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`,
    `ebur128=framelog=40`,
  ];
  chains.push(`${pads.join('')}${post.join(',')}[out]`);
  return chains.join(';\n');
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(5).replace(/0+$/, '');
}
