import { runFfmpeg } from '../runner.js';

/** Writes a 440 Hz tone of an exact length; the encoder follows from the file extension. */
export async function makeTone(
  file: string,
  opts: { seconds: number; rate?: number; channels?: number; extra?: string[] } = { seconds: 1 },
): Promise<void> {
  const rate = opts.rate ?? 44_100;
  await runFfmpeg([
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=f=440:sample_rate=${rate}:d=${opts.seconds}`,
    '-ac',
    String(opts.channels ?? 2),
    ...(opts.extra ?? []),
    file,
  ]);
}
