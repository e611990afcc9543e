import { randomBytes } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreHandle } from '@jukebox/kiosk-core';
import type { StatusResponse } from '@jukebox/protocol';
import {
  crashingFfmpeg,
  startTestCore,
  tempDir,
  tone,
  until,
  type LogLine,
  mustPick,
} from './support.js';

// One library with every kind of bad file, played through a real core with a decoder that
// crashes mid-track: each problem gets a clear message, and nothing else stops.
const tmp = tempDir('bad-input');
const music = path.join(tmp.dir, 'music');
let core: CoreHandle;
let logs: LogLine[];

async function status(): Promise<StatusResponse> {
  return (await (await fetch(`${core.url}/api/v1/status`)).json()) as StatusResponse;
}
function idOf(title: string): number {
  const hit = core.jukebox.library.search(title, 5).tracks.find((t) => t.title === title);
  if (!hit) throw new Error(`no track ${title}`);
  return hit.id;
}

beforeAll(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(music, { recursive: true });
  tone(path.join(music, 'alpha.mp3'), 1.5, {
    title: 'Alpha Song',
    artist: 'Beyoncé Test',
    genre: 'Rock',
  });
  tone(path.join(music, 'bravo.mp3'), 1.5, {
    title: 'Bravo Tune',
    artist: 'Zoë Band',
    genre: 'Pop',
  });
  tone(path.join(music, 'crash-me.mp3'), 3, { title: 'Crash Song', artist: 'Fragile' });
  tone(path.join(music, 'gone.mp3'), 1, { title: 'Gone Song', artist: 'Vanished' });
  tone(path.join(music, 'untagged.mp3'), 1);
  writeFileSync(path.join(music, 'corrupt.mp3'), randomBytes(20_000));
  writeFileSync(path.join(music, 'notes.mp3'), 'this is a text file, not audio\n'.repeat(50));
  writeFileSync(path.join(music, 'empty.mp3'), '');
  ({ core, logs } = await startTestCore(
    {
      dataDir: path.join(tmp.dir, 'data'),
      library: { importDirs: [music] },
      audio: { sink: { kind: 'wav', path: path.join(tmp.dir, 'out.wav'), pace: 0 } },
      tools: { ffmpeg: crashingFfmpeg(tmp.dir) },
    },
    tmp.dir,
  ));
  await core.ready;
});
afterAll(async () => {
  await core?.close();
  tmp.cleanup();
});

describe('import of a folder with bad files', () => {
  it('imports the good files, skips and reports each bad one with its reason', () => {
    const skipped = logs.filter((l) => l.msg === 'import: file skipped');
    const reasons = Object.fromEntries(
      skipped.map((l) => [path.basename(String(l.path)), String(l.reason)]),
    );
    expect(Object.keys(reasons).sort()).toEqual(['corrupt.mp3', 'empty.mp3', 'notes.mp3']);
    for (const reason of Object.values(reasons)) expect(reason.length).toBeGreaterThan(10);
    expect(reasons['empty.mp3']).toMatch(/empty|zero|0 bytes/i);
    expect(core.jukebox.library.trackCount()).toBe(5);
  });

  it('imports a file with no tags under its file name and "Unknown Artist"', () => {
    const hit = core.jukebox.library.search('untagged', 5).tracks[0];
    expect(hit?.title).toBe('untagged');
    expect(hit?.artist).toBe('Unknown Artist');
  });

  it('finds tracks case- and accent-insensitively', () => {
    expect(core.jukebox.library.search('beyon', 5).artists.map((a) => a.name)).toEqual([
      'Beyoncé Test',
    ]);
    expect(core.jukebox.library.search('ZOE', 5).artists.map((a) => a.name)).toEqual(['Zoë Band']);
  });
});

describe('playback with bad tracks in the queue', () => {
  it('skips a deleted file and a crashing decoder with clear reasons and plays the rest', async () => {
    const ids = ['Gone Song', 'Alpha Song', 'Crash Song', 'Bravo Tune'].map(idOf);
    unlinkSync(path.join(music, 'gone.mp3')); // deleted from disk after import
    for (const id of ids) mustPick(core.jukebox, id);

    const done = await until(async () => {
      const s = await status();
      return s.lastPlaySeq >= 4 && s.nowPlaying === null && s.queue.length === 0 ? s : null;
    }, 'four plays');
    expect(Object.fromEntries(done.playCounts.map((c) => [c.title, c.count]))).toEqual({
      'Alpha Song': 1,
      'Bravo Tune': 1,
    });

    const ended = logs.filter(
      (l) => l.msg === 'play ended' || l.msg === 'play aborted before it started',
    );
    const aborted = ended.filter(
      (l) => l.status === 'aborted' || l.msg === 'play aborted before it started',
    );
    expect(aborted).toHaveLength(2);
    const reasons = aborted.map((l) => String(l.reason));
    expect(reasons.some((r) => /gone\.mp3/.test(r) && /No such file/i.test(r))).toBe(true);
    expect(reasons.some((r) => /crash-me\.mp3|killed|signal/i.test(r))).toBe(true);
    // The crash came mid-track: what was written (100,000 bytes = 567 ms) stays played.
    const crash = core.jukebox.plays.eventsAfter(0).find((e) => e.trackId === ids[2]);
    expect(crash).toMatchObject({ status: 'aborted' });
    expect(crash!.playedMs).toBeGreaterThan(500);
    expect(crash!.playedMs).toBeLessThan(700);
    // The core kept serving throughout.
    expect((await fetch(`${core.url}/api/v1/health`)).status).toBe(200);
  });
});

describe('ffmpeg missing', () => {
  it('aborts the play with an install hint and keeps the core up', async () => {
    const t2 = tempDir('no-ffmpeg');
    const { core: c2, logs: l2 } = await startTestCore(
      {
        dataDir: path.join(t2.dir, 'data'),
        library: { importDirs: [music] },
        audio: { sink: { kind: 'null', pace: 0 } },
        tools: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' },
      },
      t2.dir,
    );
    try {
      await c2.ready;
      const id = c2.jukebox.library.search('Alpha', 5).tracks[0]!.id;
      mustPick(c2.jukebox, id);
      const line = await until(
        () => l2.find((l) => l.reason && /ffmpeg not found/.test(String(l.reason))),
        'an ffmpeg-not-found reason',
      );
      expect(String(line.reason)).toMatch(/apt-get install ffmpeg|tools\.ffmpeg/);
      expect((await fetch(`${c2.url}/api/v1/status`)).status).toBe(200);
    } finally {
      await c2.close();
      t2.cleanup();
    }
  });
});
