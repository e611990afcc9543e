import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegError } from '@jukebox/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFfmpegSink, probeDevice } from './ffmpeg-sink.js';
import { createAudioSink } from './index.js';
import { recordingLog, tonePcm } from './test-support.js';

// This suite runs where there is no sound card and no PulseAudio server (the CI and build
// machines). There, ALSA "null" is the one device that works.
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jukebox-ffsink-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function settled(p: Promise<unknown>): Promise<'settled' | 'pending'> {
  return Promise.race([
    p.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), 100)),
  ]);
}

/** Bounded polling for the pid file the stand-in writes when it starts. */
async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim() !== '') return Number(text.trim());
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no pid in ${file}`);
}

describe('ffmpeg sink', () => {
  it('plays PCM end to end into ALSA null and closes cleanly', async () => {
    const sink = createFfmpegSink({ output: 'alsa', device: 'null' });
    const errors: Error[] = [];
    sink.onError((e) => errors.push(e));
    for (let i = 0; i < 4; i++) await sink.write(tonePcm(11_025, i * 11_025));
    await sink.close();
    expect(sink.framesWritten).toBe(44_100);
    expect(sink.description).toBe('ALSA null');
    expect(errors).toEqual([]);
  });

  it('honours backpressure and reports the death of its ffmpeg', async () => {
    // A stand-in "ffmpeg" that never reads stdin: the pipe fills and writes must wait.
    const fake = join(dir, 'stuck-ffmpeg');
    const pidFile = join(dir, 'stuck.pid');
    await writeFile(fake, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`);
    await chmod(fake, 0o755);
    const sink = createFfmpegSink({
      output: 'alsa',
      device: 'null',
      tools: { ffmpeg: fake, ffprobe: 'ffprobe' },
    });
    const errors: Error[] = [];
    sink.onError((e) => errors.push(e));
    const write = sink.write(tonePcm(44_100 * 2)); // 352 KB, far more than a pipe holds
    expect(await settled(write)).toBe('pending');

    const pid = await readPid(pidFile);
    process.kill(pid, 'SIGKILL');

    await expect(write).rejects.toBeInstanceOf(FfmpegError);
    expect(errors).toHaveLength(1);
    expect((errors[0] as FfmpegError).kind).toBe('killed');
    await expect(sink.write(tonePcm(4))).rejects.toBe(errors[0]);
    await sink.close();
  });

  it("passes ffmpeg's own message when the device cannot be opened", async () => {
    const sink = createFfmpegSink({ output: 'alsa', device: 'hw:9' });
    const failed = new Promise<Error>((resolve) => sink.onError(resolve));
    await sink.write(tonePcm(2_205)).catch(() => undefined);
    const err = await failed;
    expect(err.message).toMatch(/cannot open audio device hw:9/);
    await sink.close();
  });
});

// Device names that exist on no machine, so these tests hold on a box with a sound card too.
const NO_ALSA = 'jukebox_no_such_pcm';
const NO_PULSE = 'jukebox_no_such_sink';

describe('device probing and createAudioSink', () => {
  it('names the ALSA problem', async () => {
    const err = await probeDevice('alsa', NO_ALSA).then(
      () => null,
      (e: unknown) => e as FfmpegError,
    );
    expect(err?.message).toMatch(
      new RegExp(
        `^ALSA ${NO_ALSA} is not usable: ffmpeg failed: \\[alsa\\] cannot open audio device ${NO_ALSA}`,
      ),
    );
  });

  it('gives up on a device that never answers (busy ALSA blocks)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jukebox-probe-'));
    const hanging = join(dir, 'ffmpeg-hangs.sh');
    await writeFile(hanging, '#!/bin/sh\nexec sleep 30\n');
    await chmod(hanging, 0o755);
    try {
      const err = await probeDevice(
        'alsa',
        'hw:0',
        { ffmpeg: hanging, ffprobe: 'ffprobe' },
        300,
      ).then(
        () => null,
        (e: unknown) => e as FfmpegError,
      );
      expect(err?.message).toBe(
        'ALSA hw:0 is not usable: it did not accept audio within 300 ms (busy?)',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the PulseAudio problem', async () => {
    await expect(
      createAudioSink({ kind: 'pulse', device: NO_PULSE }, { log: recordingLog() }),
    ).rejects.toThrow(/^PulseAudio \S+ is not usable: ffmpeg failed: \[PulseAudio outdev\] .+/);
  });

  it('auto falls back to the real-time null sink and says why', async () => {
    const log = recordingLog();
    const autoDevices = [
      ['alsa', NO_ALSA],
      ['pulse', NO_PULSE],
    ] as const;
    const sink = await createAudioSink({ kind: 'auto' }, { log, autoDevices });
    expect(sink.kind).toBe('null');
    expect(sink.description).toBe('null (real time)');
    expect(log.lines).toHaveLength(3);
    expect(log.lines[0]).toMatch(/^warn: audio sink: ALSA \S+ unavailable: .*cannot open/);
    expect(log.lines[1]).toMatch(/^warn: audio sink: PulseAudio \S+ unavailable: /);
    expect(log.lines[2]).toMatch(/null sink in real time/);
    await sink.close();
  });

  it('opens ALSA null when asked for it', async () => {
    const sink = await createAudioSink({ kind: 'alsa', device: 'null' }, { log: recordingLog() });
    expect(sink.kind).toBe('alsa');
    await sink.write(tonePcm(4_410));
    await sink.close();
  });
});
