import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrintError } from './errors.js';
import { parseRequestId, submitToCups } from './lp.js';
import { installFakeLp } from './test-support/fake-lp.js';

describe('parseRequestId', () => {
  it('reads CUPS answers, whatever the queue is called', () => {
    expect(parseRequestId('request id is Q-12 (1 file(s))\n')).toBe('Q-12');
    expect(parseRequestId('request id is HP_LaserJet.shop-2-4711 (1 file(s))')).toBe(
      'HP_LaserJet.shop-2-4711',
    );
    expect(parseRequestId('lp: warning\nrequest id is labels-3 (2 file(s))\n')).toBe('labels-3');
  });

  it('returns null for anything else', () => {
    for (const out of [
      '',
      'request id is  (1 file(s))',
      'request id is Q (1 file(s))',
      'Anfrage-ID ist Q-12 (1 Datei(en))',
      'request id is Q-12',
      'request id is Q-x (1 file(s))',
      '\u0000\u0001garbage',
    ]) {
      expect(parseRequestId(out), JSON.stringify(out)).toBeNull();
    }
  });
});

describe('submitToCups', () => {
  let dir: string;
  let pdf: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kc-print-lp-'));
    pdf = path.join(dir, 'doc.pdf');
    writeFileSync(pdf, '%PDF-1.3\n%%EOF\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const job = (lp: string, timeoutMs = 20_000) => ({
    lp,
    queue: 'Front_Desk',
    title: 'Café insert',
    file: pdf,
    timeoutMs,
  });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a PrintError');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(PrintError);
        return e as PrintError;
      },
    );

  it('passes -d, -t and the file, and returns the request id', async () => {
    const lpDir = mkdtempSync(path.join(dir, 'ok-'));
    const lp = installFakeLp(lpDir, 'ok');
    expect(await submitToCups(job(lp.path))).toBe('Front_Desk-1');
    expect(lp.calls().map((c) => c.argv)).toEqual([['-d', 'Front_Desk', '-t', 'Café insert', pdf]]);
  });

  it('an lp that fails: lp-failed with its stderr', async () => {
    const lp = installFakeLp(mkdtempSync(path.join(dir, 'fail-')), 'fail');
    const err = await failure(submitToCups(job(lp.path)));
    expect(err.reason).toBe('lp-failed');
    expect(err.stderr).toBe('lp: The printer or class does not exist.');
    expect(err.message).toContain('exited with 1: lp: The printer or class does not exist.');
  });

  it('no lp at all: lp-not-found naming the executable', async () => {
    const missing = path.join(dir, 'nowhere', 'lp');
    const err = await failure(submitToCups(job(missing)));
    expect(err.reason).toBe('lp-not-found');
    expect(err.message).toContain(missing);
  });

  it('an lp that answers nothing readable: lp-unexpected-output', async () => {
    const lp = installFakeLp(mkdtempSync(path.join(dir, 'silent-')), 'silent');
    expect((await failure(submitToCups(job(lp.path)))).reason).toBe('lp-unexpected-output');
  });

  it('an lp that hangs is stopped: lp-timeout', async () => {
    const lp = installFakeLp(mkdtempSync(path.join(dir, 'hang-')), 'hang');
    const err = await failure(submitToCups(job(lp.path, 300)));
    expect(err.reason).toBe('lp-timeout');
    expect(err.message).toContain('no answer in 300 ms');
  });
});
