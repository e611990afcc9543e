import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StatusResponse } from '@jukebox/protocol';
import { startTestCore, tempDir, tone, until, mustPick } from './support.js';

// A song interrupted by a shutdown is neither lost nor counted: its play event is closed as
// interrupted, and the queue entry plays again from the start after the restart.
const tmp = tempDir('restart');
afterAll(() => tmp.cleanup());

describe('restart in the middle of a song', () => {
  it('replays the interrupted song and counts it once', async () => {
    const music = path.join(tmp.dir, 'music');
    mkdirSync(music);
    tone(path.join(music, 'long.mp3'), 20, { title: 'Long Song', artist: 'Patient' });
    const config = (pace: number) => ({
      dataDir: path.join(tmp.dir, 'data'),
      library: { importDirs: [music] },
      audio: { sink: { kind: 'null' as const, pace } },
    });

    const first = await startTestCore(config(1), tmp.dir);
    await first.core.ready;
    const id = first.core.jukebox.library.search('long', 1).tracks[0]!.id;
    mustPick(first.core.jukebox, id);
    await until(() => first.core.jukebox.state().nowPlaying, 'the song to start');
    await first.core.close();

    const second = await startTestCore(config(0), tmp.dir);
    try {
      const get = async () =>
        (await (await fetch(`${second.core.url}/api/v1/status`)).json()) as StatusResponse;
      const done = await until(async () => {
        const s = await get();
        return s.playCounts.length > 0 && s.nowPlaying === null ? s : null;
      }, 'the replay to finish');
      expect(done.playCounts).toEqual([
        { trackId: id, title: 'Long Song', artist: 'Patient', count: 1 },
      ]);
      expect(done.lastPlaySeq).toBe(2); // seq 1 interrupted, seq 2 completed
      const events = second.core.jukebox.plays.eventsAfter(0);
      expect(events.map((e) => [e.seq, e.status, e.reason ?? null])).toEqual([
        [1, 'aborted', 'interrupted by restart'],
        [2, 'completed', null],
      ]);
    } finally {
      await second.core.close();
    }
  });
});
