/**
 * The file references of a cdrdao TOC: just enough of the format to find, check and rewrite
 * the names in `FILE`/`AUDIOFILE`/`DATAFILE`/`FIFO` statements. Everything else (CD_TEXT,
 * ISRC, PREGAP) is copied untouched; cdrdao itself (`toc-size`, `read-test`) judges the rest.
 *
 * Facts (cdrdao(1), "TOC FILES"): statements are keywords followed by arguments; strings are in
 * double quotes with backslash escapes; `//` starts a comment that runs to the end of the line.
 */

const FILE_KEYWORDS = new Set(['FILE', 'AUDIOFILE', 'DATAFILE', 'FIFO']);

/** One file name in a TOC, with where its quoted string sits in the text. */
export interface TocFileRef {
  readonly keyword: string;
  /** The name as written (escapes resolved). */
  readonly path: string;
  /** 1-based line of the statement. */
  readonly line: number;
  /** Offsets of the quoted string, quotes included: text.slice(start, end) === '"t1.wav"'. */
  readonly start: number;
  readonly end: number;
}

export class TocSyntaxError extends Error {
  override readonly name = 'TocSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`TOC line ${line}: ${message}`);
  }
}

/**
 * Finds every file reference in a TOC. Throws a TocSyntaxError naming the line for an
 * unterminated string, a file keyword without a quoted name, an empty name, or a NUL byte.
 */
export function parseTocFiles(text: string): TocFileRef[] {
  const nul = text.indexOf('\0');
  if (nul >= 0)
    throw new TocSyntaxError(text.slice(0, nul).split('\n').length, 'NUL byte: not a text file');
  const refs: TocFileRef[] = [];
  let line = 1;
  let i = 0;
  /** A file keyword seen, waiting for its name: the keyword and its line. */
  let pending: { keyword: string; line: number } | null = null;

  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const str = readString(text, i, line);
      if (pending) {
        if (str.value === '')
          throw new TocSyntaxError(line, `${pending.keyword} with an empty file name`);
        refs.push({
          keyword: pending.keyword,
          path: str.value,
          line: pending.line,
          start: i,
          end: str.end,
        });
        pending = null;
      }
      i = str.end;
    } else if (/\s/.test(c ?? '')) {
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s"]/.test(text[j] ?? '') && !text.startsWith('//', j)) j++;
      const word = text.slice(i, j);
      if (pending)
        throw new TocSyntaxError(
          pending.line,
          `${pending.keyword} must be followed by a quoted file name, found ${word}`,
        );
      if (FILE_KEYWORDS.has(word)) pending = { keyword: word, line };
      i = j;
    }
  }
  if (pending)
    throw new TocSyntaxError(
      pending.line,
      `${pending.keyword} without a file name (truncated TOC?)`,
    );
  return refs;
}

function readString(text: string, open: number, line: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value, end: i + 1 };
    if (c === '\n') break;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined || next === '\n') break;
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new TocSyntaxError(line, 'unterminated string');
}

/** Quotes a file name for a TOC. */
export function quoteTocString(value: string): string {
  return `"${value.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

/** Replaces each reference's name with `rename(ref)`; the rest of the text is unchanged. */
export function rewriteTocFiles(
  text: string,
  refs: readonly TocFileRef[],
  rename: (ref: TocFileRef) => string,
): string {
  let out = '';
  let at = 0;
  for (const ref of [...refs].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, ref.start) + quoteTocString(rename(ref));
    at = ref.end;
  }
  return out + text.slice(at);
}
