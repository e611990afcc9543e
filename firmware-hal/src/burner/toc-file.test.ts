import { describe, expect, it } from 'vitest';
import { parseTocFiles, quoteTocString, rewriteTocFiles, TocSyntaxError } from './toc-file.js';

const TOC = `CD_DA
CATALOG "0123456789012"
// FILE "commented.wav" 0
CD_TEXT {
  LANGUAGE_MAP {
    0 : 9
  }
  LANGUAGE 0 {
    TITLE "FILE \\"not a file\\""
    PERFORMER "Various"
  }
}
TRACK AUDIO
ISRC "USABC2400001"
PREGAP 0:2:0
FILE "t1.wav" 0
TRACK AUDIO
AUDIOFILE "sub dir/t2.wav" 0 4:0:0
`;

describe('parseTocFiles', () => {
  it('finds FILE and AUDIOFILE names, skipping comments and CD-TEXT strings', () => {
    const refs = parseTocFiles(TOC);
    expect(refs.map((r) => [r.keyword, r.path, r.line])).toEqual([
      ['FILE', 't1.wav', 16],
      ['AUDIOFILE', 'sub dir/t2.wav', 18],
    ]);
    for (const r of refs) expect(TOC.slice(r.start, r.end)).toBe(quoteTocString(r.path));
  });

  it('resolves backslash escapes in names', () => {
    expect(parseTocFiles('FILE "a\\"b.wav" 0')[0]?.path).toBe('a"b.wav');
  });

  it('names the line of an unterminated string', () => {
    expect(() => parseTocFiles('CD_DA\nTRACK AUDIO\nFILE "t1.wav 0\n')).toThrow(
      new TocSyntaxError(3, 'unterminated string'),
    );
  });

  it('refuses a FILE without a quoted name, an empty name, a truncated TOC and NUL bytes', () => {
    expect(() => parseTocFiles('FILE t1.wav 0')).toThrow(
      /line 1: FILE must be followed by a quoted file name/,
    );
    expect(() => parseTocFiles('FILE "" 0')).toThrow(/FILE with an empty file name/);
    expect(() => parseTocFiles('TRACK AUDIO\nFILE')).toThrow(/line 2: FILE without a file name/);
    expect(() => parseTocFiles('FILE "a\\')).toThrow(/unterminated string/);
    expect(() => parseTocFiles('CD_DA\u0000')).toThrow(/NUL byte/);
  });

  it('finds nothing in a TOC without files', () => {
    expect(parseTocFiles('CD_DA\n')).toEqual([]);
  });
});

describe('rewriteTocFiles', () => {
  it('replaces only the names and keeps everything else byte for byte', () => {
    const refs = parseTocFiles(TOC);
    const out = rewriteTocFiles(TOC, refs, (r) => `copy-${r.path.replace(' ', '_')}`);
    expect(out).toBe(
      TOC.replace('"t1.wav"', '"copy-t1.wav"').replace('"sub dir/t2.wav"', '"copy-sub_dir/t2.wav"'),
    );
    expect(rewriteTocFiles(TOC, refs, (r) => `a"${r.line}\\`)).toContain('FILE "a\\"16\\\\" 0');
  });
});
