import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connect,
  ffmpegStandIn,
  startTestCore,
  tempDir,
  tone,
  until,
  mustPick,
} from './support.js';

// The audio device goes away mid-song (a USB DAC unplugged): the box must stop taking songs,
// say so on its health endpoint, and ask to be restarted, rather than play into nothing.
const tmp = tempDir('device-lost');
afterAll(() => tmp.cleanup());

describe('audio device lost', () => {
  it('refuses new songs, reports 503 on health, and asks for a restart', async () => {
    const music = path.join(tmp.dir, 'music');
    mkdirSync(music);
    tone(path.join(music, 'song.mp3'), 10, { title: 'Song', artist: 'Band' });
    const { core } = await startTestCore(
      {
        dataDir: path.join(tmp.dir, 'data'),
        library: { importDirs: [music] },
        audio: { sink: { kind: 'alsa', device: 'null' } },
        // The first ALSA output fed from pipe:0 is the device probe (50 ms of silence) and
        // passes. Every later one, the long-lived sink, dies once about a second of audio
        // (200,000 bytes) has gone through it: after the song started, however slow the
        // machine (a timer here once killed the sink before the pick on a loaded machine).
        tools: {
          ffmpeg: ffmpegStandIn(
            tmp.dir,
            'dying-sink',
            '*pipe:0*alsa*',
            `if mkdir '${path.join(tmp.dir, 'probed')}' 2>/dev/null; then exec ffmpeg "$@"; fi; ` +
              'head -c 200000 | ffmpeg "$@"; exit 137',
          ),
        },
      },
      tmp.dir,
    );
    const fatal = new Promise<Error>((resolve) => core.jukebox.onFatal(resolve));
    try {
      await core.ready;
      const id = core.jukebox.library.search('song', 1).tracks[0]!.id;
      mustPick(core.jukebox, id);
      expect((await fatal).message).toMatch(/ffmpeg|killed|signal/i);
      const health = await until(async () => {
        const res = await fetch(`${core.url}/api/v1/health`);
        return res.status === 503 ? ((await res.json()) as { ok: boolean; player: string }) : null;
      }, 'health to report 503');
      expect(health).toEqual({ ok: false, player: 'stopped' });
      const ui = await connect(core.url);
      expect(await ui.call('enqueue', { trackId: id })).toMatchObject({
        ok: false,
        error: { code: 'unavailable' },
      });
      ui.close();
    } finally {
      await core.close();
    }
  });
});
