import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BurnError } from './errors.js';
import { ImageBurner } from './image-burner.js';
import { makeImage } from './test-support/image.js';
import type { BurnProgress } from './types.js';

// Real ffmpeg makes the WAVs and real cdrdao (1.2.4 on Debian 12) checks the copies.
const run = promisify(execFile);

let dir = '';
let good = '';
let out = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jukebox-image-burner-'));
  good = await makeImage(join(dir, 'good'), [{ seconds: 4.2 }, { seconds: 4 }]);
  out = join(dir, 'images');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<BurnError> {
  const err = await p.then(
    () => new Error('the burn succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BurnError);
  return err as BurnError;
}

/** Only finished images may be left in the output folder, never temporaries. */
async function outputNames(): Promise<string[]> {
  return (await readdir(out).catch(() => [])).sort();
}

describe('image burner', () => {
  it('copies a 2-track image that passes real cdrdao read-test, with progress to 1', async () => {
    const burner = new ImageBurner({ id: 'image-1', dir: out, verify: true });
    expect(await burner.probe()).toMatchObject({
      ready: true,
      blank: true,
      capacitySectors: null,
      problem: null,
    });
    const seen: BurnProgress[] = [];
    const result = await burner.burn(
      { tocPath: good, label: 'rec-1' },
      { onProgress: (p) => seen.push(p) },
    );

    expect(result).toMatchObject({
      outputDir: join(out, 'rec-1'),
      verified: true,
      mediaSerial: null,
    });
    expect((await readdir(join(out, 'rec-1'))).sort()).toEqual(['disc.toc', 't1.wav', 't2.wav']);
    expect(await readFile(join(out, 'rec-1', 'disc.toc'), 'utf8')).toBe(
      await readFile(good, 'utf8'),
    );
    expect(await outputNames()).toEqual(['rec-1']);

    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['preparing', 'writing', 'verifying', 'fixating']);
    const fractions = seen.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    // The copy stands on its own: cdrdao reads it from inside its folder.
    const check = await run('cdrdao', ['read-test', 'disc.toc'], { cwd: join(out, 'rec-1') });
    expect(check.stderr).toMatch(/Read \d+ blocks\./);
    const size = await run('cdrdao', ['toc-size', 'disc.toc'], { cwd: join(out, 'rec-1') });
    // 2 s pregap + 4.2 s + 4 s = 150 + 315 + 300 sectors.
    expect(size.stdout.trim()).toBe('765');
  });

  it('replaces an earlier image of the same recording', async () => {
    const burner = new ImageBurner({ id: 'image-1', dir: out, verify: false });
    const result = await burner.burn({ tocPath: good, label: 'rec-1' });
    expect(result.verified).toBe(false);
    expect(await outputNames()).toEqual(['rec-1']);
  });

  it('rewrites FILE names to the copies and keeps sub-folders', async () => {
    const src = join(dir, 'nested');
    await makeImage(join(src, 'audio'), [{ seconds: 4 }]);
    const toc = (await readFile(join(src, 'audio', 'disc.toc'), 'utf8')).replace(
      'FILE "t1.wav"',
      'FILE "./audio/t1.wav"',
    );
    await writeFile(join(src, 'nested.toc'), toc);
    const result = await new ImageBurner({ id: 'image-1', dir: out, verify: true }).burn({
      tocPath: join(src, 'nested.toc'),
      label: 'rec-nested',
    });
    expect(await readFile(join(result.outputDir ?? '', 'nested.toc'), 'utf8')).toContain(
      'FILE "audio/t1.wav" 0',
    );
  });

  it('fails a WAV at the wrong rate with verify-failed and leaves nothing behind', async () => {
    const bad = await makeImage(join(dir, 'bad'), [{ seconds: 4 }, { seconds: 4, rate: 22_050 }]);
    const err = await failure(
      new ImageBurner({ id: 'image-1', dir: out, verify: true }).burn({
        tocPath: bad,
        label: 'rec-bad',
      }),
    );
    expect(err.reason).toBe('verify-failed');
    expect(err.detail).toMatch(/found sampling rate 22050, require 44100/);
    expect(await outputNames()).not.toContain('rec-bad');
    expect((await outputNames()).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses FILE names that leave the image folder', async () => {
    const src = join(dir, 'escape');
    await makeImage(join(src, 'inner'), [{ seconds: 4 }]);
    const base = await readFile(join(src, 'inner', 'disc.toc'), 'utf8');
    const burner = new ImageBurner({ id: 'image-1', dir: out, verify: false });
    const cases: [string, string][] = [
      ['dotdot.toc', base.replace('"t1.wav"', '"../escape.wav"')],
      ['inside-dotdot.toc', base.replace('"t1.wav"', '"sub/../t1.wav"')],
      ['absolute.toc', base.replace('"t1.wav"', '"/etc/passwd"')],
    ];
    await writeFile(join(src, 'escape.wav'), 'x');
    for (const [name, text] of cases) {
      await writeFile(join(src, 'inner', name), text);
      const err = await failure(
        burner.burn({ tocPath: join(src, 'inner', name), label: 'rec-escape' }),
      );
      expect(err.reason).toBe('bad-image');
      expect(err.detail).toMatch(/points outside the image folder/);
    }
    // A symlink inside the folder that leads out of it is refused too.
    await symlink(join(src, 'escape.wav'), join(src, 'inner', 'link.wav'));
    await writeFile(join(src, 'inner', 'link.toc'), base.replace('"t1.wav"', '"link.wav"'));
    const err = await failure(
      burner.burn({ tocPath: join(src, 'inner', 'link.toc'), label: 'rec-escape' }),
    );
    expect(err.detail).toMatch(/points outside the image folder/);
    expect(await outputNames()).not.toContain('rec-escape');
  });

  it('refuses broken images and labels with bad-image', async () => {
    const burner = new ImageBurner({ id: 'image-1', dir: out, verify: false });
    const src = join(dir, 'broken');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'unterminated.toc'), 'CD_DA\nTRACK AUDIO\nFILE "t1.wav 0\n');
    await writeFile(join(src, 'empty.toc'), 'CD_DA\n');
    await writeFile(join(src, 'missing.toc'), 'CD_DA\nTRACK AUDIO\nFILE "gone.wav" 0\n');
    const cases: [string, string, RegExp][] = [
      [join(src, 'unterminated.toc'), 'ok', /line 3: unterminated string/],
      [join(src, 'empty.toc'), 'ok', /no FILE statement/],
      [join(src, 'missing.toc'), 'ok', /gone\.wav.*no such file/i],
      [join(src, 'absent.toc'), 'ok', /absent\.toc/],
      [good, '../up', /not a plain folder name/],
      [good, '.hidden', /not a plain folder name/],
    ];
    for (const [tocPath, label, detail] of cases) {
      const err = await failure(burner.burn({ tocPath, label }));
      expect(err.reason).toBe('bad-image');
      expect(err.detail).toMatch(detail);
    }
  });

  it('stops on abort and removes its temporary copy', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await failure(
      new ImageBurner({ id: 'image-1', dir: out, verify: true }).burn(
        { tocPath: good, label: 'rec-abort' },
        { signal: ac.signal },
      ),
    );
    expect(err.reason).toBe('aborted');
    expect(await outputNames()).not.toContain('rec-abort');
    expect((await outputNames()).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('says clearly when cdrdao is not installed for the check', async () => {
    const burner = new ImageBurner({
      id: 'image-1',
      dir: out,
      verify: true,
      cdrdao: join(dir, 'no-cdrdao'),
    });
    const err = await failure(burner.burn({ tocPath: good, label: 'rec-2' }));
    expect(err.reason).toBe('drive-missing');
    expect(err.message).toMatch(/cdrdao is not installed/);
  });
});
