import { z } from 'zod';
import { FfmpegError } from './errors.js';
import { runFfprobe } from './runner.js';
import { defaultTools, type MediaTools } from './types.js';

/** What ingest needs to know about a file. */
export interface ProbeResult {
  /** ffprobe's format name, e.g. "mp3", "flac", "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** Null when the container does not say (raw streams). */
  durationMs: number | null;
  /** The first audio stream. */
  audio: {
    codec: string;
    sampleRate: number;
    channels: number;
    bitRate: number | null;
  };
  /** Container and audio stream tags, keys lower-cased; container tags win. */
  tags: Record<string, string>;
  /** True when the file carries cover art (an attached picture stream). */
  hasCoverArt: boolean;
}

export interface ProbeOptions {
  tools?: MediaTools;
  signal?: AbortSignal;
}

// ffprobe writes numbers as strings ("44100", "1.234") and leaves out what it does not know.
const numeric = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${v}` });
    return z.NEVER;
  }
  return n;
});
const tags = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

const stream = z.object({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  sample_rate: numeric.optional(),
  channels: z.number().optional(),
  bit_rate: numeric.optional(),
  duration: numeric.optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
  tags: tags.optional(),
});

const ffprobeOutput = z.object({
  format: z.object({
    format_name: z.string(),
    duration: numeric.optional(),
    bit_rate: numeric.optional(),
    tags: tags.optional(),
  }),
  streams: z.array(stream).default([]),
});

/** Runs ffprobe on `file` and returns what ingest needs. Rejects with an FfmpegError. */
export async function probe(file: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const tools = opts.tools ?? defaultTools;
  const args = ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', '-i', file];
  const { stdout } = await runFfprobe(args, {
    tools,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const badOutput = (message: string) =>
    new FfmpegError({ kind: 'bad_output', executable: tools.ffprobe, args, message });

  let json: unknown;
  try {
    json = JSON.parse(stdout.toString('utf8'));
  } catch {
    throw badOutput(`ffprobe printed something that is not JSON for ${file}`);
  }
  const parsed = ffprobeOutput.safeParse(json);
  if (!parsed.success) {
    throw badOutput(`unexpected ffprobe output for ${file}: ${z.prettifyError(parsed.error)}`);
  }
  const { format, streams } = parsed.data;
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio || audio.sample_rate === undefined || audio.channels === undefined) {
    throw badOutput(`no audio stream in ${file}`);
  }
  const seconds = format.duration ?? audio.duration;
  return {
    container: format.format_name,
    durationMs: seconds === undefined ? null : Math.round(seconds * 1000),
    audio: {
      codec: audio.codec_name ?? 'unknown',
      sampleRate: audio.sample_rate,
      channels: audio.channels,
      bitRate: audio.bit_rate ?? format.bit_rate ?? null,
    },
    tags: { ...lowerKeys(audio.tags), ...lowerKeys(format.tags) },
    hasCoverArt: streams.some((s) => s.disposition?.attached_pic === 1),
  };
}

function lowerKeys(record: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record ?? {})) out[k.toLowerCase()] = v;
  return out;
}
