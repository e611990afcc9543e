import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfprobe } from '@jukebox/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudioSink } from './index.js';
import { tonePcm, recordingLog } from './test-support.js';
import { createWavSink } from './wav-sink.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jukebox-wav-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function probeSamples(path: string): Promise<number> {
  const { stdout } = await runFfprobe(['-v', 'error', '-of', 'json', '-show_streams', path]);
  const parsed = JSON.parse(stdout.toString()) as { streams: { duration_ts: number }[] };
  return parsed.streams[0]!.duration_ts;
}

describe('WAV sink', () => {
  it('writes a valid WAV whose data is exactly what was written', async () => {
    const path = join(dir, 'out.wav');
    const sink = await createWavSink({ path, pace: 0 });
    const chunks = [tonePcm(44_100), tonePcm(12_345, 44_100), tonePcm(1, 56_445)];
    for (const c of chunks) await sink.write(c);
    await sink.close();
    await sink.close(); // idempotent

    const file = await readFile(path);
    expect(file.toString('ascii', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(file.length - 8);
    expect(file.readUInt32LE(40)).toBe(file.length - 44);
    expect(file.subarray(44).equals(Buffer.concat(chunks))).toBe(true);
    expect(sink.framesWritten).toBe(56_446);
    expect(await probeSamples(path)).toBe(56_446);
  });

  it('keeps the header valid while it runs', async () => {
    const path = join(dir, 'live.wav');
    const sink = await createWavSink({ path, pace: 0, patchIntervalMs: 10 });
    await sink.write(tonePcm(22_050));
    // Wait for a periodic patch (bounded polling; no timing assertion).
    let dataSize = 0;
    for (let i = 0; i < 200 && dataSize !== 22_050 * 4; i++) {
      await new Promise((r) => setTimeout(r, 10));
      dataSize = (await readFile(path)).readUInt32LE(40);
    }
    expect(dataSize).toBe(22_050 * 4);
    expect(await probeSamples(path)).toBe(22_050);
    await sink.close();
  });

  it('is what createAudioSink builds for kind wav', async () => {
    const path = join(dir, 'configured.wav');
    const sink = await createAudioSink({ kind: 'wav', path, pace: 0 }, { log: recordingLog() });
    expect(sink.kind).toBe('wav');
    await sink.write(tonePcm(100));
    await sink.close();
    expect(await probeSamples(path)).toBe(100);
  });

  it('fails to open in a missing directory', async () => {
    await expect(createWavSink({ path: join(dir, 'nope', 'x.wav') })).rejects.toThrow(/ENOENT/);
  });
});
