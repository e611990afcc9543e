import { describe, expect, it } from 'vitest';
import { liveChildCount } from '@jukebox/media';
import { ffmpegDecoder } from './decoder.js';
import type { Player } from './player.js';
import { isAlive, itemFor, useTones } from './test-support/fixtures.js';
import { harness, recordingDecoder } from './test-support/harness.js';
import type { PlayItem } from './types.js';
import { applyGain, volumeToGain } from './volume.js';

const tones = useTones();

describe('Player', () => {
  it('joins two tracks sample-exact into one sink, then idles', async () => {
    const a = itemFor(tones.toneA, 1234);
    const b = itemFor(tones.toneB, 2010);
    const h = harness([a, b]);
    const started: { entryId: number; prefetched: boolean }[] = [];
    h.player.on('started', (item, _at, info) =>
      started.push({ entryId: item.entryId, prefetched: info.prefetched }),
    );
    const idle = h.idle();
    h.player.start();
    await idle;
    expect(h.ended.map((e) => e.end.status)).toEqual(['completed', 'completed']);
    expect(h.ended[0]!.end.framesWritten).toBe(tones.pcmA.length / 4);
    expect(h.ended[1]!.end.framesWritten).toBe(tones.pcmB.length / 4);
    expect(h.sink.pcm.equals(Buffer.concat([tones.pcmA, tones.pcmB]))).toBe(true);
    expect(started).toEqual([
      { entryId: a.entryId, prefetched: false },
      { entryId: b.entryId, prefetched: true },
    ]);
    expect(h.player.status()).toMatchObject({ state: 'idle', current: null });
    await h.player.stop();
    expect(h.sink.closed).toBe(true);
    expect(h.player.status().state).toBe('stopped');
  });

  it('plays newly queued items after wake()', async () => {
    const queue: PlayItem[] = [];
    const h = harness(queue);
    const firstIdle = h.idle();
    h.player.start();
    await firstIdle;
    expect(h.sink.chunks).toHaveLength(0);
    queue.push(itemFor(tones.toneA, 1234));
    h.player.wake();
    await h.endedCount(1);
    expect(h.ended[0]!.end.status).toBe('completed');
    expect(h.sink.pcm.equals(tones.pcmA)).toBe(true);
    await h.player.stop();
  });

  it('applies a volume change from the next write on, mid-track', async () => {
    const changeAt = 3;
    let player: Player | null = null;
    const h = harness([itemFor(tones.toneB, 2010)], {
      hook: (index) => {
        if (index === changeAt - 1) player!.setVolume(50);
      },
    });
    player = h.player;
    h.player.start();
    await h.endedCount(1);
    const before = Buffer.concat(h.sink.chunks.slice(0, changeAt));
    const after = Buffer.concat(h.sink.chunks.slice(changeAt));
    expect(before.equals(tones.pcmB.subarray(0, before.length))).toBe(true);
    const expected = applyGain(tones.pcmB.subarray(before.length), volumeToGain(50));
    expect(after.equals(expected)).toBe(true);
    expect(h.player.status().volume).toBe(50);
    await h.player.stop();
  });

  it('skip() cuts the track short and the next one plays in full', async () => {
    let player: Player | null = null;
    const h = harness([itemFor(tones.longTone, 30_000), itemFor(tones.toneA, 1234)], {
      hook: (index) => {
        if (index === 5) player!.skip();
      },
    });
    player = h.player;
    h.player.start();
    await h.endedCount(2);
    const [first, second] = h.ended;
    expect(first!.end).toMatchObject({ status: 'aborted', reason: 'skipped' });
    expect(first!.end.framesWritten).toBeGreaterThan(0);
    expect(first!.end.framesWritten).toBeLessThan(30 * 44_100);
    expect(second!.end.status).toBe('completed');
    const tail = h.sink.pcm.subarray(first!.end.framesWritten * 4);
    expect(tail.equals(tones.pcmA)).toBe(true);
    await h.player.stop();
  });

  it('reports position from frames written, and position events while playing', async () => {
    let player: Player | null = null;
    const positions: number[] = [];
    // Writes before `index` are the ones the sink has accepted while `index` is pending.
    const msBefore = (index: number) => {
      const frames = h.sink.chunks.slice(0, index).reduce((n, c) => n + c.length / 4, 0);
      return Math.floor((frames * 1000) / 44_100);
    };
    const h = harness([itemFor(tones.toneB, 2010)], {
      hook: async (index) => {
        if (index !== 4) return;
        // Hold the "device" until the position timer has fired once.
        await new Promise<void>((resolve) => {
          const off = player!.on('position', (_item, ms) => {
            positions.push(ms);
            off();
            resolve();
          });
        });
        const status = player!.status();
        expect(status.state).toBe('playing');
        expect(status.current?.positionMs).toBe(msBefore(4));
      },
    });
    player = h.player;
    h.player.start();
    await h.endedCount(1);
    expect(positions).toEqual([msBefore(4)]);
    await h.player.stop();
  });
});

describe('Player.stop', () => {
  it('kills the current and the prefetched decoder and leaves no child processes', async () => {
    const pids = new Map<number, number>();
    let player: Player | null = null;
    let stopping: Promise<void> | null = null;
    const h = harness([itemFor(tones.longTone, 30_000), itemFor(tones.longTone, 30_000)], {
      decoder: recordingDecoder(pids, ffmpegDecoder),
      prefetchMs: 60_000,
      hook: () => {
        // Stop once the next track's decoder is running too (prefetch follows the first read).
        if (pids.size === 2 && stopping === null) stopping = player!.stop();
      },
    });
    player = h.player;
    h.player.start();
    await h.endedCount(2);
    await stopping;
    expect(pids.size).toBe(2);
    for (const pid of pids.values()) expect(isAlive(pid)).toBe(false);
    expect(h.player.decoderPids()).toEqual([]);
    expect(liveChildCount()).toBe(0);
    expect(h.ended.map((e) => e.end.reason)).toEqual(['stopped', 'stopped']);
    expect(h.sink.closed).toBe(true);
    expect(h.player.status()).toMatchObject({ state: 'stopped', current: null });
  });
});
