// Fixtures for the ingest tests, made with real ffmpeg and sharp like test-support/fixtures.ts
// makes its tones. (The demo catalog generator cannot be used here: it depends on this
// package, so importing it would make the workspaces a cycle. The tagged MP3 below is made
// the way its render step makes them: ID3v2.4, TSRC, TXXX:ITUNESADVISORY, an attached JPEG.)
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { runFfmpeg } from '../../runner.js';

/** Pink noise of an exact frame count. Noise makes any shift or inserted gap obvious. */
export async function makeNoise(
  file: string,
  opts: { frames: number; rate?: number; channels?: number; seed?: number; extra?: string[] },
): Promise<void> {
  const rate = opts.rate ?? 44_100;
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=r=${rate}:a=0.2:c=pink:seed=${opts.seed ?? 1},atrim=end_sample=${opts.frames}`,
    '-ac',
    String(opts.channels ?? 2),
    ...(opts.extra ?? []),
    '-y',
    file,
  ]);
}

/** A solid-colour image with a lighter square in the top-left corner (to see orientation). */
export async function makeImage(
  opts: { width: number; height: number; format?: 'jpeg' | 'png' | 'webp' } = {
    width: 640,
    height: 640,
  },
): Promise<Buffer> {
  const corner = await sharp({
    create: {
      width: Math.ceil(opts.width / 4),
      height: Math.ceil(opts.height / 4),
      channels: 3,
      background: '#ffffff',
    },
  })
    .png()
    .toBuffer();
  return sharp({
    create: { width: opts.width, height: opts.height, channels: 3, background: '#2050c0' },
  })
    .composite([{ input: corner, left: 0, top: 0 }])
    .toFormat(opts.format ?? 'jpeg')
    .toBuffer();
}

export interface TaggedMp3Options {
  seconds: number;
  tags?: Record<string, string>;
  /** A JPEG file to embed as the front cover. */
  coverFile?: string;
  id3v2Version?: 3 | 4;
}

/** An MP3 (44.1 kHz stereo, 192 kbit/s, LAME header) with ID3 tags and optional cover. */
export async function makeTaggedMp3(file: string, opts: TaggedMp3Options): Promise<void> {
  const tags = Object.entries(opts.tags ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  const cover = opts.coverFile
    ? [
        '-i',
        opts.coverFile,
        '-map',
        '0:a',
        '-map',
        '1:v',
        '-c:v',
        'copy',
        '-disposition:v',
        'attached_pic',
        '-metadata:s:v',
        'comment=Cover (front)',
      ]
    : [];
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=r=44100:a=0.2:c=pink:seed=7:d=${opts.seconds}`,
    ...cover,
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '192k',
    ...tags,
    '-id3v2_version',
    String(opts.id3v2Version ?? 4),
    '-write_xing',
    '1',
    '-y',
    file,
  ]);
}

/**
 * Adds an iTunes `rtng` (content advisory) atom to an .m4a made by ffmpeg, whose muxer
 * cannot write one. The atom is appended to moov/udta/meta/ilst and the sizes of those
 * four boxes grow by its length. ffmpeg puts moov after mdat, so no chunk offset moves.
 */
export async function addRtngAtom(file: string, value: number): Promise<void> {
  const buf = await readFile(file);
  const path = ['moov', 'udta', 'meta', 'ilst'];
  const found: { at: number; size: number }[] = [];
  let start = 0;
  let end = buf.length;
  for (const name of path) {
    const box = findBox(buf, start, end, name);
    if (!box) throw new Error(`no ${path.slice(0, found.length + 1).join('/')} box in ${file}`);
    if (name === 'moov' && findBox(buf, 0, box.at, 'mdat') === null) {
      throw new Error('moov comes before mdat: appending to it would move the audio');
    }
    found.push(box);
    // meta is a full box: 4 bytes of version and flags before its children.
    start = box.at + 8 + (name === 'meta' ? 4 : 0);
    end = box.at + box.size;
  }
  const data = Buffer.alloc(17);
  data.writeUInt32BE(17, 0);
  data.write('data', 4, 'latin1');
  data.writeUInt32BE(21, 8); // well-known type 21: big-endian signed integer
  data.writeUInt32BE(0, 12); // locale
  data.writeInt8(value, 16);
  const atom = Buffer.concat([Buffer.alloc(8), data]);
  atom.writeUInt32BE(atom.length, 0);
  atom.write('rtng', 4, 'latin1');
  const ilst = found[found.length - 1]!;
  const insertAt = ilst.at + ilst.size;
  for (const box of found) buf.writeUInt32BE(box.size + atom.length, box.at);
  await writeFile(file, Buffer.concat([buf.subarray(0, insertAt), atom, buf.subarray(insertAt)]));
}

function findBox(
  buf: Buffer,
  start: number,
  end: number,
  name: string,
): { at: number; size: number } | null {
  let at = start;
  while (at + 8 <= end) {
    const size = buf.readUInt32BE(at);
    if (size < 8) return null;
    if (buf.toString('latin1', at + 4, at + 8) === name) return { at, size };
    at += size;
  }
  return null;
}

/** Raw s16le stereo PCM from ffmpeg, as samples. */
export async function decodePcm(args: string[]): Promise<Int16Array> {
  const { stdout } = await runFfmpeg(args);
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.length / 2);
}

/** Pids of ffmpeg/ffprobe processes whose parent is this (test worker) process. */
export function ffmpegChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    if (ppid === process.pid && (comm === 'ffmpeg' || comm === 'ffprobe')) pids.push(Number(entry));
  }
  return pids;
}
