import { RED_BOOK, trackingNumber } from '@jukebox/protocol';
import { z } from 'zod';
import { PrintError } from './errors.js';

// eslint-disable-next-line no-control-regex -- a control character would break a printed line
const noControlCharacters = /^[^\u0000-\u001f\u007f-\u009f]*$/;

function text(what: string, min: number, max: number) {
  return z
    .string()
    .min(min, min === 1 ? `${what} is empty` : `${what} is too short`)
    .max(max, `${what} is longer than ${max} characters`)
    .regex(noControlCharacters, `${what} holds control characters (line breaks, tabs)`);
}

const duration = (what: string) =>
  z
    .number()
    .int(`${what} is not a whole number of milliseconds`)
    .nonnegative(`${what} cannot be negative`)
    .max(24 * 3600 * 1000, `${what} is longer than a day`);

/**
 * What the insert and the label show of one disc. Built by the order code from the order and
 * its recording; parsed again here because a printed page cannot be taken back.
 */
export const printableDisc = z.object({
  trackingNumber,
  title: text('the disc title', 1, 200),
  performer: text('the performer', 1, 200),
  tracks: z
    .array(
      z.object({
        title: text('the track title', 1, 300),
        /** May be empty when the catalog does not know it. */
        artist: text('the track artist', 0, 300),
        durationMs: duration('the track duration'),
      }),
    )
    .min(1, 'a disc has at least one track')
    .max(RED_BOOK.maxTracks, `a disc holds at most ${RED_BOOK.maxTracks} tracks`),
  /** Playing time of the disc (may differ from the sum of the tracks by the pregaps). */
  totalMs: duration('the total time'),
  placedAt: z.date({ error: 'placedAt is not a date' }).refine((d) => !Number.isNaN(d.getTime()), {
    message: 'placedAt is an invalid date',
  }),
  shopName: text('the shop name', 1, 100),
  /** Shown small on the tray card, for staff who look a disc up. */
  recordingId: text('the recording id', 1, 64).optional(),
  /** What the QR code holds when given (the tracking page); else the tracking number. */
  trackingUrl: z.url({ error: 'trackingUrl is not a URL' }).max(300).optional(),
});
export type PrintableDisc = z.infer<typeof printableDisc>;

/** Parses a disc to print; a bad one is a PrintError (`invalid-disc`) naming every bad field. */
export function parsePrintableDisc(input: unknown): PrintableDisc {
  const parsed = printableDisc.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : 'the disc';
    return `${where}: ${i.message}`;
  });
  throw new PrintError({
    reason: 'invalid-disc',
    message: `cannot print this disc: ${problems.join('; ')}`,
  });
}

/** The text the QR code holds. */
export function qrPayload(disc: PrintableDisc): string {
  return disc.trackingUrl ?? disc.trackingNumber;
}

/** `m:ss`, the way CD players and inserts show times (a disc is under 100 minutes). */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** `YYYY-MM-DD HH:MM` in the terminal's local time: the day the customer stood at the shop. */
export function formatPlacedAt(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}`
  );
}
