import type { AudioSinkConfig } from '@jukebox/protocol';
import type { MediaTools } from '@jukebox/media';
import { createFfmpegSink, describeDevice, probeDevice, type DeviceOutput } from './ffmpeg-sink.js';
import { createNullSink } from './null-sink.js';
import type { AudioLog, AudioSink } from './types.js';
import { createWavSink } from './wav-sink.js';

export * from './types.js';
export { Pacer, realClock, DEFAULT_LEAD_MS, type PacerOptions } from './pace.js';
export { createNullSink, type NullSinkOptions } from './null-sink.js';
export { createWavSink, DEFAULT_PATCH_INTERVAL_MS, type WavSinkOptions } from './wav-sink.js';
export { wavHeader, WAV_HEADER_BYTES } from './wav-header.js';
export {
  createFfmpegSink,
  probeDevice,
  sinkArgs,
  type DeviceOutput,
  type FfmpegSinkOptions,
} from './ffmpeg-sink.js';

/** A device `auto` tries, in order: an output and its device name (undefined = default). */
export type AutoDevice = readonly [DeviceOutput, string | undefined];

/** What `auto` tries on a box: the system's default ALSA device, then the PulseAudio server. */
export const AUTO_DEVICES: readonly AutoDevice[] = [
  ['alsa', 'default'],
  ['pulse', undefined],
];

export interface CreateAudioSinkDeps {
  tools?: MediaTools;
  log: AudioLog;
  /** Devices `auto` tries before the null sink (tests name devices that exist nowhere). */
  autoDevices?: readonly AutoDevice[];
}

/**
 * Opens the sink the configuration asks for. ALSA and PulseAudio are probed first (50 ms of
 * silence), so a missing device is a clear error here rather than a failure on the first
 * track. `auto` tries ALSA `default`, then PulseAudio, then falls back to a real-time null
 * sink, and logs which it chose and why.
 */
export async function createAudioSink(
  config: AudioSinkConfig,
  deps: CreateAudioSinkDeps,
): Promise<AudioSink> {
  const { tools, log } = deps;
  switch (config.kind) {
    case 'alsa':
      return openDevice('alsa', config.device, tools);
    case 'pulse':
      return openDevice('pulse', config.device, tools);
    case 'wav':
      return createWavSink({ path: config.path, pace: config.pace });
    case 'null':
      return createNullSink({ pace: config.pace });
    case 'auto':
      return autoSink(tools, log, deps.autoDevices ?? AUTO_DEVICES);
  }
}

async function openDevice(
  output: DeviceOutput,
  device: string | undefined,
  tools: MediaTools | undefined,
): Promise<AudioSink> {
  await probeDevice(output, device, tools);
  return createFfmpegSink({
    output,
    ...(device === undefined ? {} : { device }),
    ...(tools ? { tools } : {}),
  });
}

async function autoSink(
  tools: MediaTools | undefined,
  log: AudioLog,
  devices: readonly AutoDevice[],
): Promise<AudioSink> {
  const reasons: string[] = [];
  for (const [output, device] of devices) {
    try {
      const sink = await openDevice(output, device, tools);
      log.info(`audio sink: ${sink.description} (auto)`);
      return sink;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      reasons.push(reason);
      log.warn(`audio sink: ${describeDevice(output, device)} unavailable: ${reason}`);
    }
  }
  log.warn(
    `audio sink: no sound device works, playing into the null sink in real time (${reasons.length} devices tried)`,
  );
  return createNullSink({ pace: 1 });
}
