import { availableParallelism } from 'node:os';
import { RED_BOOK, discMedia, mediaCatalogNumber } from '@jukebox/protocol';
import { z } from 'zod';
import { ISRC_PATTERN } from '../ingest/isrc.js';
import { CdImageError, type CdImageErrorKind } from './errors.js';

// C0 controls and DEL, refused as the protocol's shortText refuses them. C1 controls
// (U+0080-U+009F) are refused too: in Latin-1 CD-TEXT they would be bytes players choke on.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;

/** One CD-TEXT string: trimmed, not empty, no control characters. */
function cdText(what: string, max: number) {
  return z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .refine((s) => !controlCharacters.test(s), `${what} contains control characters`);
}

/** An ISRC in its canonical form, as the catalog stores it (see ingest/isrc.ts). */
export const isrcCode = z
  .string({ error: 'an ISRC must be text' })
  .regex(ISRC_PATTERN, 'an ISRC is 12 characters CCOOOYYSSSSS, e.g. USABC2400001');

/** True when the last digit of a 13-digit EAN/UPC is its check digit. */
export function ean13CheckDigitOk(code: string): boolean {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(code[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(code[12]);
}

/** The disc's media catalog number: 13 digits (protocol) whose EAN-13 check digit holds. */
export const mcnCode = mediaCatalogNumber.refine(
  ean13CheckDigitOk,
  'the MCN (EAN-13) check digit is wrong: a digit is mistyped',
);

/**
 * The recording id goes into CD-TEXT (MESSAGE and DISC_ID) and names the image folder, so it
 * is kept to characters that are the same in ASCII, Latin-1 and a file name.
 */
export const recordingIdText = z
  .string({ error: 'recordingId must be text' })
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'recordingId is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const protocolPrefix = /^([a-z][a-z0-9+.-]*):/i;

/**
 * A track's source: a file path, or an http(s) URL. ffmpeg would also take its other
 * protocols (`concat:`, `subfile,`, `tcp:` ...), which a track never needs, so they are
 * refused rather than handed to it.
 */
export const trackSource = z
  .string({ error: 'source must be text' })
  .min(1, 'source is empty')
  .refine((s) => !controlCharacters.test(s), 'source contains control characters')
  .superRefine((s, ctx) => {
    const scheme = protocolPrefix.exec(s)?.[1]?.toLowerCase();
    if (scheme === undefined) return;
    if (scheme !== 'http' && scheme !== 'https') {
      ctx.addIssue({
        code: 'custom',
        message: `source must be a file path or an http(s) URL, not a ${scheme}: address`,
      });
    } else if (!URL.canParse(s)) {
      ctx.addIssue({ code: 'custom', message: `source is not a valid URL: ${s}` });
    }
  });

/** Track strings may be long in the catalog; CD-TEXT shortens them when it must. */
export const TRACK_TEXT_MAX = 300;
/** Disc strings as the protocol allows them (discTitle, retail performer). */
export const DISC_TEXT_MAX = 80;

const layoutFields = {
  title: cdText('the disc title', DISC_TEXT_MAX),
  performer: cdText('the disc performer', DISC_TEXT_MAX),
  mcn: mcnCode.optional(),
  recordingId: recordingIdText,
};

const trackText = {
  title: cdText('the track title', TRACK_TEXT_MAX),
  performer: cdText('the track performer', TRACK_TEXT_MAX),
  isrc: isrcCode.optional(),
};

/** What buildToc lays out: the disc's text and ids, and each track's WAV file name. */
export const cdLayoutSchema = z.strictObject({
  ...layoutFields,
  tracks: z
    .array(
      z.strictObject({
        ...trackText,
        // cdrdao opens the name byte for byte: ASCII means the same in the TOC and on disk.
        file: z.string().regex(/^[\x20-\x7e]+$/, 'file is a name of printable ASCII characters'),
      }),
    )
    .min(1)
    .max(RED_BOOK.maxTracks),
});
export type CdLayout = z.input<typeof cdLayoutSchema>;

export interface CdImageProgress {
  tracksDone: number;
  tracksTotal: number;
  /** 0..1; 1 only once the finished image is in place. */
  fraction: number;
}

const requestSchema = z.strictObject({
  ...layoutFields,
  tracks: z.array(z.strictObject({ ...trackText, source: trackSource })),
  outDir: z.string({ error: 'outDir must be text' }).min(1, 'outDir is empty'),
  media: discMedia.optional(),
  concurrency: z
    .number({ error: 'concurrency must be a number' })
    .int('concurrency must be a whole number')
    .min(1, 'concurrency is at least 1')
    .max(64, 'concurrency is at most 64')
    .optional(),
  ffmpeg: z.string().min(1, 'ffmpeg is empty').optional(),
  /**
   * Also hash each track's PCM (SHA-256, `pcmSha256`): for checks and tests. Off by default:
   * reading 780 MB back costs about a tenth of the decoding, and a burn does not need it.
   */
  hashPcm: z.boolean({ error: 'hashPcm must be true or false' }).default(false),
  signal: z.instanceof(AbortSignal, { error: 'signal must be an AbortSignal' }).optional(),
  onProgress: z
    .custom<(p: CdImageProgress) => void>((v) => typeof v === 'function', {
      error: 'onProgress must be a function',
    })
    .optional(),
});

/** What assembleCdImage is asked for. */
export type CdImageRequest = z.input<typeof requestSchema>;
/** The request once checked: strings trimmed, defaults filled in. */
export type CheckedRequest = z.output<typeof requestSchema> & { concurrency: number };

/**
 * Checks a request before any work: the track count against the Red Book limits, then every
 * field. Throws a CdImageError naming each bad field (`tracks[3].isrc: ...`).
 */
export function checkRequest(request: unknown): CheckedRequest {
  const tracks = (request as { tracks?: unknown } | null)?.tracks;
  if (Array.isArray(tracks)) {
    if (tracks.length === 0) {
      throw new CdImageError({ kind: 'empty', message: 'a CD needs at least one track' });
    }
    if (tracks.length > RED_BOOK.maxTracks) {
      throw new CdImageError({
        kind: 'too-many-tracks',
        message: `a CD holds at most ${RED_BOOK.maxTracks} tracks; ${tracks.length} were given`,
      });
    }
  }
  const checked = parseOrThrow(requestSchema, request, 'cannot make this CD image');
  return { ...checked, concurrency: checked.concurrency ?? availableParallelism() };
}

/** Checks a layout for buildToc; same errors as checkRequest. */
export function checkLayout(layout: unknown): z.output<typeof cdLayoutSchema> {
  return parseOrThrow(cdLayoutSchema, layout, 'cannot write a TOC for this layout');
}

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const lines = issues.slice(0, 5).map((i) => `${fieldName(i.path)}: ${i.message}`);
  if (issues.length > 5) lines.push(`and ${issues.length - 5} more`);
  const first = issues[0]!;
  const trackIndex = first.path[0] === 'tracks' ? first.path[1] : undefined;
  throw new CdImageError({
    kind: kindOf(first),
    message: `${what}: ${lines.join('; ')}`,
    ...(typeof trackIndex === 'number' ? { track: trackIndex + 1 } : {}),
  });
}

function kindOf(issue: z.core.$ZodIssue): CdImageErrorKind {
  const last = issue.path[issue.path.length - 1];
  if (last === 'isrc') return 'bad-isrc';
  if (last === 'mcn') return 'bad-mcn';
  if (issue.path.length === 1 && issue.path[0] === 'tracks') {
    if (issue.code === 'too_small') return 'empty';
    if (issue.code === 'too_big') return 'too-many-tracks';
  }
  return 'invalid-request';
}

/** `tracks[2].isrc` (0-based, as in the request), or `request` for the whole object. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'request';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
