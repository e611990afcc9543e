import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrdaoBurner, scanDrives, writeArgs, type CdrdaoBurnerOptions } from './cdrdao-burner.js';
import { BurnError, type BurnReason } from './errors.js';
import { alive, FAKE_CDRDAO, useScenario, type Invocation } from './test-support/fake.js';
import { makeImage } from './test-support/image.js';
import type { BurnProgress } from './types.js';

let dir = '';
let toc = '';
let invocations: () => Promise<Invocation[]>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jukebox-cdrdao-'));
  toc = await makeImage(join(dir, 'rec-1'), [{ seconds: 6 }, { seconds: 4 }]);
  invocations = await useScenario(dir, {
    devices: {
      '/dev/sr0': 'ok',
      '/dev/sr1': 'fail-mid-write',
      '/dev/sr2': 'underrun',
      '/dev/sr3': 'no-disc',
      '/dev/sr4': 'not-blank',
      '/dev/sr5': 'busy',
      '/dev/sr6': 'too-small',
      '/dev/sr7': 'stuck',
    },
    writeSeconds: 0.3,
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function burner(device: string, extra: Partial<CdrdaoBurnerOptions> = {}): CdrdaoBurner {
  return new CdrdaoBurner({ id: 'drive-1', device, executable: FAKE_CDRDAO, ...extra });
}

async function failure(p: Promise<unknown>): Promise<BurnError> {
  const err = await p.then(
    () => new Error('the burn succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BurnError);
  return err as BurnError;
}

/** The argv of each run for a device, newest last. */
async function runsFor(device: string): Promise<string[][]> {
  return (await invocations()).filter((i) => i.argv.includes(device)).map((i) => i.argv);
}

describe('writeArgs', () => {
  it('keeps buffer-underrun protection on, skips the pause, ejects, passes speed and driver', () => {
    expect(
      writeArgs(
        { id: 'a', device: '/dev/sr0', speed: 8, simulate: true, cdrdaoDriver: 'generic-mmc-raw' },
        'disc.toc',
      ),
    ).toEqual([
      'write',
      '--device',
      '/dev/sr0',
      '--driver',
      'generic-mmc-raw',
      '--speed',
      '8',
      '--simulate',
      '--buffer-under-run-protection',
      '1',
      '-n',
      '--eject',
      'disc.toc',
    ]);
    expect(writeArgs({ id: 'a', device: '/dev/sr0' }, 'disc.toc')).toEqual([
      'write',
      '--device',
      '/dev/sr0',
      '--buffer-under-run-protection',
      '1',
      '-n',
      '--eject',
      'disc.toc',
    ]);
  });
});

describe('cdrdao burner (fake cdrdao)', () => {
  it('burns, reporting progress phase by phase up to 1', async () => {
    const seen: BurnProgress[] = [];
    const result = await burner('/dev/sr0').burn(
      { tocPath: toc, label: 'rec-1' },
      { onProgress: (p) => seen.push(p) },
    );
    expect(result).toMatchObject({ mediaSerial: null, outputDir: null, verified: false });
    expect(result.durationMs).toBeGreaterThan(0);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['preparing', 'writing', 'fixating']);
    expect(seen.some((p) => p.phase === 'writing' && p.fraction > 0.05 && p.fraction < 0.95)).toBe(
      true,
    );
    const fractions = seen.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    const runs = await runsFor('/dev/sr0');
    expect(runs.map((a) => a[0])).toEqual(['disk-info', 'write']);
    const write = (await invocations()).find(
      (i) => i.argv[0] === 'write' && i.argv.includes('/dev/sr0'),
    );
    expect(write?.cwd).toBe(join(dir, 'rec-1'));
    expect(write?.argv.at(-1)).toBe('disc.toc');
  });

  it('passes --simulate, --speed and --driver, and the simulation succeeds', async () => {
    await burner('/dev/sr0', { simulate: true, speed: 4, cdrdaoDriver: 'generic-mmc' }).burn({
      tocPath: toc,
      label: 'rec-1',
    });
    const last = (await runsFor('/dev/sr0')).at(-1);
    expect(last).toEqual([
      'write',
      '--device',
      '/dev/sr0',
      '--driver',
      'generic-mmc',
      '--speed',
      '4',
      '--simulate',
      '--buffer-under-run-protection',
      '1',
      '-n',
      '--eject',
      'disc.toc',
    ]);
  });

  const failures: [string, BurnReason, RegExp][] = [
    ['/dev/sr1', 'write-failed', /Medium Error/],
    ['/dev/sr2', 'buffer-underrun', /buffer under run\?/],
    ['/dev/sr3', 'no-disc', /Unit not ready, giving up/],
    ['/dev/sr4', 'not-blank', /CD-R empty: no/],
    ['/dev/sr5', 'drive-busy', /Device or resource busy/],
    ['/dev/sr6', 'too-small', /exceeds capacity of CD-R \(00:04:00, 300 blocks\)/],
    ['/dev/sr9', 'drive-missing', /No such file or directory/],
  ];
  for (const [device, reason, detail] of failures) {
    it(`maps ${device}'s failure to ${reason}`, async () => {
      const err = await failure(burner(device).burn({ tocPath: toc, label: 'rec-1' }));
      expect(err.reason).toBe(reason);
      expect(err.detail).toMatch(detail);
    });
  }

  it('unlocks the tray after a write that failed half way', async () => {
    const runs = (await runsFor('/dev/sr1')).map((a) => a[0]);
    expect(runs).toEqual(['disk-info', 'write', 'unlock']);
    // A disc never started on needs no unlock.
    expect((await runsFor('/dev/sr4')).map((a) => a[0])).toEqual(['disk-info']);
  });

  it('gives bad-image for a missing TOC without running cdrdao', async () => {
    const before = (await invocations()).length;
    const err = await failure(
      burner('/dev/sr0').burn({ tocPath: join(dir, 'nope.toc'), label: 'x' }),
    );
    expect(err.reason).toBe('bad-image');
    expect((await invocations()).length).toBe(before);
  });

  it('aborts mid-write: cdrdao gets SIGTERM, stops, and the burn rejects with aborted', async () => {
    const slow = await useScenario(dir, {
      devices: { '/dev/sr0': 'ok', '/dev/sr7': 'stuck' },
      writeSeconds: 30,
    });
    const ac = new AbortController();
    const p = burner('/dev/sr0').burn(
      { tocPath: toc, label: 'rec-1' },
      {
        signal: ac.signal,
        onProgress: (pr) => {
          if (pr.phase === 'writing') ac.abort();
        },
      },
    );
    const err = await failure(p);
    expect(err.reason).toBe('aborted');
    const write = (await slow()).find((i) => i.argv[0] === 'write');
    expect(write && alive(write.pid)).toBe(false);
  });

  it('kills a cdrdao that ignores SIGTERM, then unlocks the tray', async () => {
    const slow = await useScenario(dir, { devices: { '/dev/sr7': 'stuck' }, writeSeconds: 30 });
    const ac = new AbortController();
    const p = burner('/dev/sr7', { killGraceMs: 300 }).burn(
      { tocPath: toc, label: 'rec-1' },
      {
        signal: ac.signal,
        onProgress: (pr) => {
          if (pr.phase === 'writing') ac.abort();
        },
      },
    );
    expect((await failure(p)).reason).toBe('aborted');
    const runs = await slow();
    const write = runs.find((i) => i.argv[0] === 'write');
    expect(write && alive(write.pid)).toBe(false);
    expect(runs.map((i) => i.argv[0])).toEqual(['disk-info', 'write', 'unlock']);
  });

  it('refuses a second burn on the same drive while one runs', async () => {
    await useScenario(dir, { devices: { '/dev/sr0': 'ok' }, writeSeconds: 1 });
    const b = burner('/dev/sr0');
    const first = b.burn({ tocPath: toc, label: 'rec-1' });
    const second = await failure(b.burn({ tocPath: toc, label: 'rec-1' }));
    expect(second.reason).toBe('drive-busy');
    expect((await b.probe()).problem).toBe('drive-busy');
    await first;
  });

  it('says clearly when cdrdao is not installed', async () => {
    const b = burner('/dev/sr0', { executable: join(dir, 'no-such-cdrdao') });
    const err = await failure(b.burn({ tocPath: toc, label: 'rec-1' }));
    expect(err.reason).toBe('drive-missing');
    expect(err.message).toMatch(/cdrdao is not installed/);
    expect(await b.probe()).toMatchObject({ ready: false, problem: 'drive-missing' });
  });
});

describe('probe, eject and scanbus (fake cdrdao)', () => {
  beforeAll(async () => {
    invocations = await useScenario(dir, {
      devices: { '/dev/sr0': 'ok', '/dev/sr3': 'no-disc', '/dev/sr4': 'not-blank' },
    });
  });

  it('probes a blank disc with its capacity and the drive', async () => {
    expect(await burner('/dev/sr0').probe()).toEqual({
      ready: true,
      blank: true,
      capacitySectors: 359_999,
      mediaSerial: null,
      mediaVendor: 'Taiyo Yuden Company Limited',
      vendor: 'FAKE',
      model: 'CDRW-1',
      problem: null,
      detail: 'blank disc, 359999 sectors',
    });
  });

  it('probes an empty tray and a written disc as not ready, with the reason', async () => {
    expect(await burner('/dev/sr3').probe()).toMatchObject({
      ready: false,
      blank: null,
      problem: 'no-disc',
    });
    expect(await burner('/dev/sr4').probe()).toMatchObject({
      ready: false,
      blank: false,
      problem: 'not-blank',
    });
    expect(await burner('/dev/sr9').probe()).toMatchObject({
      ready: false,
      problem: 'drive-missing',
    });
  });

  it('ejects through cdrdao unlock --eject', async () => {
    await burner('/dev/sr0', { cdrdaoDriver: 'generic-mmc' }).eject();
    expect((await runsFor('/dev/sr0')).at(-1)).toEqual([
      'unlock',
      '--device',
      '/dev/sr0',
      '--driver',
      'generic-mmc',
      '--eject',
    ]);
    expect((await failure(burner('/dev/sr9').eject())).reason).toBe('drive-missing');
  });

  it('lists the drives cdrdao scanbus sees', async () => {
    expect(await scanDrives(FAKE_CDRDAO)).toEqual([
      { device: '/dev/sr0', vendor: 'FAKE', model: 'CDRW-1', revision: '1.00' },
      { device: '/dev/sr3', vendor: 'FAKE', model: 'CDRW-2', revision: '1.00' },
      { device: '/dev/sr4', vendor: 'FAKE', model: 'CDRW-3', revision: '1.00' },
    ]);
  });
});
