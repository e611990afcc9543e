import { RED_BOOK, sectorsForMs, type RetailState } from '@jukebox/protocol';

/*
 * The arithmetic of a draft disc, the same the core does when it quotes: the 2-second pregap
 * before track 1, then every track padded to whole sectors (75 a second). The UI enforces the
 * limits with it so a patron never builds a disc the core would refuse.
 */

/** What a draft disc is held to: the loaded media and the core's limits (`state.retail`). */
export type DiscLimits = Pick<RetailState, 'capacitySectors' | 'limits'>;

/** Sectors a disc of tracks with these durations fills, pregap included. */
export function discSectors(durationsMs: readonly number[]): number {
  return durationsMs.reduce((sum, ms) => sum + sectorsForMs(ms), RED_BOOK.pregapSectors);
}

/**
 * Sectors as minutes and seconds of audio, minutes not folded into hours ("79:58"). Used time
 * rounds up and free time down, so a disc that shows room for a track has it.
 */
export function sectorsClock(sectors: number, round: 'up' | 'down'): string {
  const exact = Math.max(0, sectors) / RED_BOOK.sectorsPerSecond;
  const total = round === 'up' ? Math.ceil(exact) : Math.floor(exact);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** Music on the disc against the room for music (the capacity less the pregap): "52:13 of 79:58". */
export function capacityText(usedSectors: number, capacitySectors: number): string {
  const used = sectorsClock(usedSectors - RED_BOOK.pregapSectors, 'up');
  const room = sectorsClock(capacitySectors - RED_BOOK.pregapSectors, 'down');
  return `${used} of ${room}`;
}

/**
 * Why a track cannot go on the disc. The codes are the core's `discProblem` codes, and
 * `not-ready` while the UI does not know the terminal's limits yet.
 */
export interface AddRefusal {
  code: 'track-too-short' | 'too-many-tracks' | 'over-capacity' | 'not-ready';
  /** A sentence for the patron, shown next to the track. */
  message: string;
}

/**
 * Whether a track of `trackMs` may join a disc of tracks with `durationsMs`; null when it may.
 * The same track twice is fine: a disc is a list, not a set.
 */
export function addRefusal(
  limits: DiscLimits,
  durationsMs: readonly number[],
  trackMs: number,
): AddRefusal | null {
  if (trackMs < limits.limits.minTrackMs) {
    const seconds = Math.ceil(limits.limits.minTrackMs / 1000);
    return {
      code: 'track-too-short',
      message: `Too short for a CD: a track must last at least ${seconds} seconds`,
    };
  }
  if (durationsMs.length >= limits.limits.maxTracks) {
    return {
      code: 'too-many-tracks',
      message: `The disc is full: a CD holds at most ${limits.limits.maxTracks} tracks`,
    };
  }
  const free = limits.capacitySectors - discSectors(durationsMs);
  if (sectorsForMs(trackMs) > free) {
    return {
      code: 'over-capacity',
      message: `Does not fit: ${sectorsClock(free, 'down')} left on the disc`,
    };
  }
  return null;
}
