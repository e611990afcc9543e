import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEJAVU_DIR, foldToWinAnsi, loadPrintFonts } from './fonts.js';

describe('loadPrintFonts', () => {
  it.runIf(existsSync(path.join(DEJAVU_DIR, 'DejaVuSans.ttf')))(
    'embeds DejaVu Sans when installed, and shows text as typed',
    () => {
      const f = loadPrintFonts();
      expect(f.description).toBe('DejaVu Sans (embedded)');
      expect(Buffer.isBuffer(f.files.regular) && Buffer.isBuffer(f.files.bold)).toBe(true);
      expect(f.clean('Łódź Дом')).toBe('Łódź Дом');
    },
  );

  it('falls back to Helvetica without the font files', () => {
    const f = loadPrintFonts('/nonexistent/fonts');
    expect(f.files).toEqual({ regular: 'Helvetica', bold: 'Helvetica-Bold' });
    expect(f.clean('Łódź')).toBe('Lódz');
  });
});

describe('foldToWinAnsi', () => {
  it('keeps ASCII, Latin-1 and the Windows-1252 extras', () => {
    expect(foldToWinAnsi('Beyoncé, Motörhead, Ærø — “quotes” € …')).toBe(
      'Beyoncé, Motörhead, Ærø — “quotes” € …',
    );
  });

  it('folds letters with marks outside Latin-1 to their base letter', () => {
    expect(foldToWinAnsi('Dvořák Łukasz Đoković Ştefan')).toBe('Dvorák Lukasz Dokovic Stefan');
  });

  it('puts ? for what has no Latin form, and composes decomposed input first', () => {
    expect(foldToWinAnsi('東京 Дом ♫')).toBe('?? ??? ?');
    expect(foldToWinAnsi('Cafe\u0301')).toBe('Café');
  });
});
