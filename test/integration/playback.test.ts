import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countDecodedFrames, measureLoudness } from '@jukebox/media';
import { startTestCore, tempDir, until, mustPick } from './support.js';

// Issue 2's playback claims, through the whole core: import -> loudness pass -> queue ->
// player -> WAV sink. Nothing is stubbed.
const tmp = tempDir('playback');
afterAll(() => tmp.cleanup());

/** An MP3 of `seconds` (odd lengths on purpose) of a tone at amplitude `amp`. */
function mp3(file: string, seconds: number, freq: number, amp: number, title: string): string {
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...[
      '-i',
      `aevalsrc=${amp}*sin(2*PI*${freq}*t)|${amp}*sin(2*PI*${freq}*t):s=44100:d=${seconds}`,
    ],
    ...['-metadata', `title=${title}`, '-metadata', 'artist=Test Tones'],
    ...['-c:a', 'libmp3lame', '-b:a', '192k', file],
  ]);
  return file;
}

/** Sample frames in a WAV written by our sink (44-byte header, 4 bytes per frame). */
function wavFrames(file: string): number {
  return (readFileSync(file).length - 44) / 4;
}

/** A music folder, a WAV output and a data folder for one run. */
function run(name: string): { music: string; wav: string; data: string } {
  const slug = name.replace(/\W+/g, '-');
  const music = path.join(tmp.dir, `music-${slug}`);
  mkdirSync(music);
  return {
    music,
    wav: path.join(tmp.dir, `${slug}.wav`),
    data: path.join(tmp.dir, `data-${slug}`),
  };
}

describe('playback through the core', () => {
  it.each([
    ['unpaced', 0],
    ['paced at 4x real time', 4],
  ])('two queued tracks join gaplessly (%s): frames = sum of both', async (name, pace) => {
    const { music, wav, data } = run(name);
    const a = mp3(path.join(music, 'a.mp3'), 1.2345, 440, 0.3, 'Tone A');
    const b = mp3(path.join(music, 'b.mp3'), 2.0101, 660, 0.3, 'Tone B');
    const { core } = await startTestCore(
      {
        dataDir: data,
        library: { importDirs: [music] },
        audio: { sink: { kind: 'wav', path: wav, pace }, volume: 100 },
      },
      tmp.dir,
    );
    try {
      await core.ready;
      for (const t of ['Tone A', 'Tone B']) {
        mustPick(core.jukebox, core.jukebox.library.search(t, 1).tracks[0]!.id);
      }
      await until(
        () => core.jukebox.plays.counts().length === 2 && !core.jukebox.state().nowPlaying,
        'both plays',
      );
    } finally {
      await core.close();
    }
    const expected = (await countDecodedFrames(a)) + (await countDecodedFrames(b));
    expect(wavFrames(wav)).toBe(expected);
  });

  it('a quiet track measured at import plays back within 1 LU of -18 LUFS', async () => {
    const { music, wav, data } = run('loudness');
    const quiet = mp3(path.join(music, 'quiet.mp3'), 8, 440, 0.02, 'Quiet');
    const before = await measureLoudness(quiet);
    expect(before.integratedLufs).toBeLessThan(-28); // far from the target: real work to do
    const { core } = await startTestCore(
      {
        dataDir: data,
        library: { importDirs: [music] },
        audio: { sink: { kind: 'wav', path: wav, pace: 0 }, volume: 100 },
      },
      tmp.dir,
    );
    try {
      await core.ready; // import, then the loudness pass
      expect(core.jukebox.library.pendingLoudnessCount()).toBe(0);
      mustPick(core.jukebox, core.jukebox.library.search('quiet', 1).tracks[0]!.id);
      await until(
        () => core.jukebox.plays.counts().length === 1 && !core.jukebox.state().nowPlaying,
        'the play',
      );
    } finally {
      await core.close();
    }
    const played = await measureLoudness(wav);
    expect(Math.abs(played.integratedLufs - -18)).toBeLessThanOrEqual(1);
  });
});
