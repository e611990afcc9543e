import { copyFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { defaultTools, liveChildCount } from '@jukebox/media';
import { ffmpegDecoder } from './decoder.js';
import { isAlive, itemFor, makeCrashingFfmpeg, useTones } from './test-support/fixtures.js';
import { harness, recordingDecoder } from './test-support/harness.js';
import { RecordingSink } from './test-support/recording-sink.js';
import type { DecoderFactory, PlayItem } from './types.js';

const tones = useTones();

describe('Player failures', () => {
  it('a missing file aborts with ffmpeg’s reason and the next track completes', async () => {
    const missing = tones.tmp.path('no-such-file.flac');
    const h = harness([itemFor(missing, 1000), itemFor(tones.toneA, 1234)]);
    h.player.start();
    await h.endedCount(2);
    expect(h.ended[0]!.end.status).toBe('aborted');
    expect(h.ended[0]!.end.reason).toMatch(/No such file or directory/);
    expect(h.ended[0]!.end.reason).toContain(missing);
    expect(h.ended[1]!.end.status).toBe('completed');
    expect(h.sink.pcm.equals(tones.pcmA)).toBe(true);
    expect(h.log.lines.some((l) => l.level === 'warn' && l.msg === 'track aborted')).toBe(true);
    await h.player.stop();
  });

  it('a non-audio file aborts and the next track completes', async () => {
    const junk = tones.tmp.path('junk.mp3');
    await writeFile(junk, 'this is not audio at all\n'.repeat(200));
    const h = harness([itemFor(junk, 1000), itemFor(tones.toneA, 1234)]);
    h.player.start();
    await h.endedCount(2);
    expect(h.ended[0]!.end).toMatchObject({ status: 'aborted', framesWritten: 0 });
    expect(h.ended[0]!.end.reason).toMatch(/ffmpeg failed on .*junk\.mp3: /);
    expect(h.ended[1]!.end.status).toBe('completed');
    await h.player.stop();
  });

  it('ffmpeg missing aborts with a not-found reason and the next track completes', async () => {
    const bogus = { ...defaultTools, ffmpeg: tones.tmp.path('no-ffmpeg-here') };
    const first = itemFor(tones.toneB, 2010);
    // Only the first decode sees the missing executable; the player itself is unchanged.
    const decoder: DecoderFactory = (item, opts) =>
      ffmpegDecoder(item, item.entryId === first.entryId ? { ...opts, tools: bogus } : opts);
    const h = harness([first, itemFor(tones.toneA, 1234)], { decoder });
    h.player.start();
    await h.endedCount(2);
    expect(h.ended[0]!.end.status).toBe('aborted');
    expect(h.ended[0]!.end.reason).toMatch(/ffmpeg not found at/);
    expect(h.ended[1]!.end.status).toBe('completed');
    expect(h.sink.pcm.equals(tones.pcmA)).toBe(true);
    await h.player.stop();
  });

  it('a decoder that exits 1 mid-track keeps what it wrote, no rewind, no duplicate', async () => {
    const crashAfter = 40_000;
    const fake = await makeCrashingFfmpeg(tones.tmp.path('ffmpeg-crash.sh'), crashAfter);
    const crashing = tones.tmp.path('crash-b.flac');
    await copyFile(tones.toneB, crashing);
    const h = harness([itemFor(crashing, 2010), itemFor(tones.toneA, 1234)], {
      tools: { ...defaultTools, ffmpeg: fake },
    });
    h.player.start();
    await h.endedCount(2);
    expect(h.ended[0]!.end).toMatchObject({ status: 'aborted', framesWritten: crashAfter / 4 });
    expect(h.ended[0]!.end.reason).toMatch(/failed on .*crash-b\.flac/);
    expect(h.ended[1]!.end.status).toBe('completed');
    expect(h.sink.pcm.equals(Buffer.concat([tones.pcmB.subarray(0, crashAfter), tones.pcmA]))).toBe(
      true,
    );
    await h.player.stop();
  });

  it('a decoder killed with SIGKILL mid-track aborts, and the next track completes', async () => {
    const pids = new Map<number, number>();
    const long = itemFor(tones.longTone, 30_000);
    const h = harness([long, itemFor(tones.toneA, 1234)], {
      decoder: recordingDecoder(pids, ffmpegDecoder),
      hook: (index) => {
        if (index === 2) process.kill(pids.get(long.entryId)!, 'SIGKILL');
      },
    });
    h.player.start();
    await h.endedCount(2);
    expect(h.ended[0]!.end.status).toBe('aborted');
    expect(h.ended[0]!.end.reason).toMatch(/killed by SIGKILL/);
    const written = h.ended[0]!.end.framesWritten;
    expect(written).toBeLessThan(30 * 44_100);
    expect(h.ended[1]!.end.status).toBe('completed');
    expect(
      h.sink.pcm.equals(Buffer.concat([h.sink.pcm.subarray(0, written * 4), tones.pcmA])),
    ).toBe(true);
    await h.player.stop();
  });

  it('a failing sink is reported as error and the player stops, reaping decoders', async () => {
    const pids = new Map<number, number>();
    const h = harness([itemFor(tones.longTone, 30_000), itemFor(tones.toneA, 1234)], {
      decoder: recordingDecoder(pids, ffmpegDecoder),
      prefetchMs: 60_000,
      hook: () => {
        // Fail once the next track's decoder is running too, so stop() has two to reap.
        if (pids.size === 2) throw new Error('device unplugged');
      },
    });
    const errors: Error[] = [];
    h.player.on('error', (err) => errors.push(err));
    h.player.start();
    await h.endedCount(2);
    await h.player.stop();
    expect(errors.map((e) => e.message)).toEqual(['device unplugged']);
    expect(h.ended[0]!.end).toMatchObject({
      status: 'aborted',
      reason: 'sink failed: device unplugged',
    });
    expect(h.ended[1]!.end).toMatchObject({
      status: 'aborted',
      reason: 'stopped',
      framesWritten: 0,
    });
    expect(h.player.status().state).toBe('stopped');
    expect(h.sink.closed).toBe(true);
    expect(pids.size).toBe(2);
    for (const pid of pids.values()) expect(isAlive(pid)).toBe(false);
  });

  it('an error reported by the sink itself stops the player too', async () => {
    let sink: RecordingSink | null = null;
    sink = new RecordingSink((index) => {
      if (index === 2) sink!.fail(new Error('alsa: device lost'));
    });
    const h = harness([itemFor(tones.longTone, 30_000)], { sink });
    const errors: Error[] = [];
    h.player.on('error', (err) => errors.push(err));
    h.player.start();
    await h.endedCount(1);
    await h.player.stop();
    expect(errors.map((e) => e.message)).toEqual(['alsa: device lost']);
    expect(h.ended[0]!.end).toMatchObject({ status: 'aborted', reason: 'stopped' });
    expect(sink.closed).toBe(true);
  });
});

describe('Player and its queue', () => {
  it('a throwing nextItem is logged and the player idles until woken', async () => {
    let calls = 0;
    const queue: PlayItem[] = [];
    const h = harness([], {
      nextItem: () => {
        calls++;
        if (calls === 1) throw new Error('queue database locked');
        return queue.shift() ?? null;
      },
    });
    const idle = h.idle();
    h.player.start();
    await idle;
    expect(
      h.log.lines.some((l) => l.level === 'error' && /nextItem failed/.test(l.msg ?? '')),
    ).toBe(true);
    queue.push(itemFor(tones.toneA, 1234));
    h.player.wake();
    await h.endedCount(1);
    expect(h.ended[0]!.end.status).toBe('completed');
    await h.player.stop();
  });

  it('stop() does not wait on a nextItem that never answers', async () => {
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    const h = harness([], {
      nextItem: () => {
        asked();
        return new Promise<PlayItem | null>(() => {});
      },
    });
    h.player.start();
    await wasAsked;
    await h.player.stop();
    expect(h.player.status().state).toBe('stopped');
    expect(h.sink.closed).toBe(true);
  });

  it('an item handed over after stop() is reported ended, not lost', async () => {
    let answer!: (item: PlayItem) => void;
    const late = itemFor(tones.toneA, 1234);
    const h = harness([], {
      nextItem: () => new Promise<PlayItem | null>((resolve) => (answer = resolve)),
    });
    h.player.start();
    await h.player.stop();
    answer(late);
    await h.endedCount(1);
    expect(h.ended[0]).toMatchObject({
      item: late,
      end: { status: 'aborted', reason: 'stopped', framesWritten: 0 },
    });
    expect(h.sink.chunks).toHaveLength(0);
  });

  it('a listener that throws is logged and playback carries on', async () => {
    const h = harness([itemFor(tones.toneA, 1234), itemFor(tones.toneB, 2010)]);
    h.player.on('started', () => {
      throw new Error('listener bug');
    });
    h.player.start();
    await h.endedCount(2);
    expect(h.ended.map((e) => e.end.status)).toEqual(['completed', 'completed']);
    expect(h.sink.pcm.equals(Buffer.concat([tones.pcmA, tones.pcmB]))).toBe(true);
    expect(h.log.lines.filter((l) => l.msg === 'player event listener threw')).toHaveLength(2);
    await h.player.stop();
    expect(liveChildCount()).toBe(0);
  });
});
