import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childProcessLauncher } from './core-launcher.js';
import { CoreSupervisor, parseReadyLine, type CoreDown } from './core-process.js';

// A stand-in for packages/kiosk-core/dist/cli.js: same argv and the same stdout/stderr contract.
const fakeCore = `
const mode = process.argv[2];
const port = 40000 + Math.floor(Math.random() * 1000);
if (mode === 'fail') {
  process.stderr.write('config: audio.sink.path is required\\n');
  process.exit(3);
}
process.stdout.write('starting\\n');
process.stdout.write('JUKEBOX_CORE_READY http://127.0.0.1:' + port + '\\n');
if (mode === 'crash') setTimeout(() => process.exit(1), 20);
else setInterval(() => {}, 1000);
`;

let dir: string;
let cli: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-process-'));
  cli = join(dir, 'cli.cjs');
  await writeFile(cli, fakeCore);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseReadyLine', () => {
  it('takes the loopback URL from the READY line', () => {
    expect(parseReadyLine('JUKEBOX_CORE_READY http://127.0.0.1:41234')).toBe(
      'http://127.0.0.1:41234',
    );
    expect(parseReadyLine('JUKEBOX_CORE_READY http://127.0.0.1:41234/ \r')).toBe(
      'http://127.0.0.1:41234',
    );
  });

  it('ignores other lines and refuses non-loopback or non-http URLs', () => {
    expect(parseReadyLine('listening on http://127.0.0.1:1')).toBeNull();
    expect(parseReadyLine('JUKEBOX_CORE_READY http://10.0.0.5:8480')).toBeNull();
    expect(parseReadyLine('JUKEBOX_CORE_READY file:///etc/passwd')).toBeNull();
    expect(parseReadyLine('JUKEBOX_CORE_READY http://127.0.0.1')).toBeNull();
    expect(parseReadyLine('JUKEBOX_CORE_READY ::::')).toBeNull();
  });
});

describe('CoreSupervisor with a real child process', () => {
  it('reports the READY URL and kills the core on stop', async () => {
    const downs: CoreDown[] = [];
    let onReady = (_url: string): void => {};
    const ready = new Promise<string>((resolve) => (onReady = resolve));
    const sup = new CoreSupervisor({
      cliPath: cli,
      args: ['serve'],
      launch: childProcessLauncher(),
      onReady: (url) => onReady(url),
      onDown: (d) => downs.push(d),
    });
    sup.start();
    const url = await ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sup.url).toBe(url);
    await sup.stop();
    expect(sup.url).toBeNull();
    expect(downs).toHaveLength(1);
    expect(downs[0]!.beforeReady).toBe(false);
  });

  it('restarts a crashing core with growing delays', async () => {
    const readyUrls: string[] = [];
    const delays: number[] = [];
    let fourScheduled = (): void => {};
    const fourRestarts = new Promise<void>((resolve) => (fourScheduled = resolve));
    const sup = new CoreSupervisor({
      cliPath: cli,
      args: ['crash'],
      launch: childProcessLauncher(),
      backoff: { initialMs: 5, maxMs: 20, factor: 2 },
      stableAfterMs: 60_000,
      onReady: (url) => readyUrls.push(url),
      onRestartScheduled: (d) => {
        delays.push(d);
        if (delays.length === 4) fourScheduled();
      },
    });
    sup.start();
    await fourRestarts;
    await sup.stop();
    expect(delays).toEqual([5, 10, 20, 20]);
    // Each run printed READY before crashing: the core really came back each time.
    expect(readyUrls.length).toBeGreaterThanOrEqual(4);
  });

  it('passes on the stderr reason when the core fails before READY', async () => {
    let onDown = (_d: CoreDown): void => {};
    const down = new Promise<CoreDown>((resolve) => (onDown = resolve));
    const sup = new CoreSupervisor({
      cliPath: cli,
      args: ['fail'],
      launch: childProcessLauncher(),
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      onDown: (d) => onDown(d),
    });
    sup.start();
    const d = await down;
    await sup.stop();
    expect(d).toEqual({
      code: 3,
      stderrTail: 'config: audio.sink.path is required\n',
      beforeReady: true,
    });
  });
});
