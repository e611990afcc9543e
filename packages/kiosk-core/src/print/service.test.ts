import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printConfig, type PrintConfig } from '@jukebox/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAPER } from './canvas.js';
import { PrintError } from './errors.js';
import { PrintService } from './service.js';
import { discOf } from './test-support/discs.js';
import { installFakeLp, type FakeLpBehaviour } from './test-support/fake-lp.js';
import { pageCount, pixelsAt100Dpi, renderPng } from './test-support/poppler.js';
import { captureLog } from '../money/test-support/capture-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kc-print-service-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TN = '7K3M-9QXP-2D4F';

function service(behaviour: FakeLpBehaviour, config: Partial<PrintConfig>) {
  const lp = installFakeLp(dir, behaviour);
  const logs = captureLog();
  const s = new PrintService({
    config: printConfig.parse({ lp: lp.path, ...config }),
    dataDir: path.join(dir, 'data'),
    log: logs.log,
    lpTimeoutMs: 20_000,
  });
  return { s, lp, logs };
}

function isWholePdf(file: string): boolean {
  const bytes = readFileSync(file);
  return (
    bytes.subarray(0, 5).toString('latin1') === '%PDF-' && bytes.subarray(-8).includes('%%EOF')
  );
}

describe('PrintService', () => {
  it('without a printer it saves both PDFs under <dataDir>/print/<tracking number> and calls no lp', async () => {
    const { s, lp } = service('ok', {});
    const r = await s.printDisc(discOf(4));
    const folder = path.join(dir, 'data', 'print', TN);
    expect(r).toEqual({
      insertPdf: path.join(folder, 'insert.pdf'),
      labelPdf: path.join(folder, 'label.pdf'),
      jobs: [],
      printed: false,
    });
    expect(readdirSync(folder).sort()).toEqual(['insert.pdf', 'label.pdf']);
    expect(isWholePdf(r.insertPdf) && isWholePdf(r.labelPdf)).toBe(true);
    expect(lp.calls()).toEqual([]);
  });

  it('sends the insert and the label to the printer with their titles, and returns the request ids', async () => {
    const { s, lp } = service('ok', { printer: 'Front_Desk', paper: 'LETTER' });
    const r = await s.printDisc(discOf(15));
    expect(r.printed).toBe(true);
    expect(r.jobs).toEqual(['Front_Desk-1', 'Front_Desk-2']);
    const calls = lp.calls();
    expect(calls.map((c) => c.argv)).toEqual([
      ['-d', 'Front_Desk', '-t', `${TN} insert`, r.insertPdf],
      ['-d', 'Front_Desk', '-t', `${TN} label`, r.labelPdf],
    ]);
    // lp got whole files (written to a temporary name, then renamed).
    for (const c of calls) expect(c.file).toMatchObject({ pdfHeader: true, pdfTrailer: true });
    // Without a label printer, the label is laid on the insert's paper.
    const label = renderPng(readFileSync(r.labelPdf), dir, 'label');
    expect([label.width, label.height]).toEqual([
      pixelsAt100Dpi(PAPER.LETTER.widthMm),
      pixelsAt100Dpi(PAPER.LETTER.heightMm),
    ]);
  });

  it('sends the label to the label printer, as a 120 mm page', async () => {
    const { s, lp } = service('ok', { printer: 'Front_Desk', labelPrinter: 'Disc_Labels' });
    const r = await s.printDisc(discOf(5));
    expect(r.jobs).toEqual(['Front_Desk-1', 'Disc_Labels-2']);
    expect(lp.calls().map((c) => c.argv.slice(0, 4))).toEqual([
      ['-d', 'Front_Desk', '-t', `${TN} insert`],
      ['-d', 'Disc_Labels', '-t', `${TN} label`],
    ]);
    const label = renderPng(readFileSync(r.labelPdf), dir, 'label');
    expect(pageCount(label.pdf)).toBe(1);
    expect([label.width, label.height]).toEqual([pixelsAt100Dpi(120), pixelsAt100Dpi(120)]);
  });

  it('a failing lp: PrintError with the reason and lp stderr; the PDFs stay', async () => {
    const { s, logs } = service('fail', { printer: 'Gone' });
    const err = await s.printDisc(discOf(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrintError);
    const e = err as PrintError;
    expect(e.reason).toBe('lp-failed');
    expect(e.stderr).toBe('lp: The printer or class does not exist.');
    expect(e.message).toMatch(/^printing the insert of 7K3M-9QXP-2D4F failed: .*does not exist/);
    expect(e.jobs).toEqual([]);
    expect(e.files).not.toBeNull();
    expect(isWholePdf(e.files!.insertPdf) && isWholePdf(e.files!.labelPdf)).toBe(true);
    expect(logs.lines.some((l) => l.msg === e.message && l.reason === 'lp-failed')).toBe(true);
  });

  it('a failing label printer: the error carries the insert request id that went through', async () => {
    const { s, lp } = service(
      { failQueue: 'Disc_Labels' },
      {
        printer: 'Front_Desk',
        labelPrinter: 'Disc_Labels',
      },
    );
    const e = (await s.printDisc(discOf(3)).catch((x: unknown) => x)) as PrintError;
    expect(e.reason).toBe('lp-failed');
    expect(e.message).toContain('printing the label of');
    expect(e.jobs).toEqual(['Front_Desk-1']);
    expect(lp.calls()).toHaveLength(2);
  });

  it('a missing lp: lp-not-found, the PDFs stay', async () => {
    const missing = new PrintService({
      config: printConfig.parse({ printer: 'Front_Desk', lp: path.join(dir, 'no-such-lp') }),
      dataDir: path.join(dir, 'data'),
    });
    const e = (await missing.printDisc(discOf(2)).catch((x: unknown) => x)) as PrintError;
    expect(e.reason).toBe('lp-not-found');
    expect(existsSync(e.files!.insertPdf) && existsSync(e.files!.labelPdf)).toBe(true);
    expect(missing.dir).toBe(path.join(dir, 'data', 'print'));
  });

  it('keeps PDFs in print.dir, relative to the data folder', async () => {
    const { s } = service('ok', { dir: 'prints' });
    const r = await s.printDisc(discOf(1));
    expect(r.insertPdf).toBe(path.join(dir, 'data', 'prints', TN, 'insert.pdf'));
  });

  it('writes nothing for a disc it cannot print', async () => {
    const { s, lp } = service('ok', { printer: 'Front_Desk' });
    const bad = { ...discOf(2), tracks: [{ title: 'x', artist: '', durationMs: -5 }] };
    const e = (await s.printDisc(bad).catch((x: unknown) => x)) as PrintError;
    expect(e.reason).toBe('invalid-disc');
    expect(e.message).toMatch(/tracks\.0\.durationMs: the track duration cannot be negative/);
    expect(existsSync(path.join(dir, 'data', 'print'))).toBe(false);
    expect(lp.calls()).toEqual([]);
  });
});
