import { EventEmitter } from 'node:events';
import type {
  ApiResult,
  KioskConfig,
  KioskEvent,
  KioskState,
  NowPlaying,
  QueueEntry,
  StatusResponse,
} from '@jukebox/protocol';
import { isFreePlay } from '@jukebox/protocol';
import type { Library } from '../library/index.js';
import type { Logger } from '../log.js';
import type { CreditLedger, MoneyService, PaidQueue } from '../money/index.js';
import { interruptedReason, type PlayLog } from '../plays/index.js';
import { STOPPED_REASON, type PlayItem, type Player, type TrackEnd } from '../player/index.js';
import type { QueueStore } from '../queue/index.js';
import type { RetailService } from '../retail/service.js';
import type { FleetLinkStatus } from '../sync/agent.js';
import type { ContentKeys } from '../sync/content-keys.js';
import type { SongRequests, TelemetryOutbox } from '../telemetry/index.js';
import { VERSION } from '../version.js';

/** The money side of the jukebox: the ledger, the paid picks and the acceptors. */
export interface JukeboxMoney {
  ledger: CreditLedger;
  paid: PaidQueue;
  service: MoneyService;
}

/** What goes up to the fleet server: the outbox, and the songs patrons asked for. */
export interface JukeboxTelemetry {
  outbox: TelemetryOutbox;
  songRequests: SongRequests;
  /** Opens fleet tracks, which are stored encrypted (see sync/content-keys.ts). */
  content: Pick<ContentKeys, 'url' | 'release'>;
  /** The fleet link's state for the status page, when a server is configured. */
  fleet?: () => FleetLinkStatus;
}

/** Player end reasons that are not a failure of the song: no refund for those. */
const NOT_A_FAILURE = new Set(['skipped', STOPPED_REASON]);

interface Current {
  item: PlayItem;
  entry: QueueEntry;
  seq: number;
  startedAt: string;
}

/**
 * The jukebox: joins the queue, the player and the play log, and publishes state. It is the
 * only place where a queue entry becomes a play event, so the durability rule lives here:
 * a play event is written (synchronous=FULL) when the first sample reaches the sink, and
 * completed or aborted when the track ends.
 */
export class Jukebox {
  private readonly events = new EventEmitter();
  /** Entries the player has taken ahead of time for gapless prefetch, keyed by entryId. */
  private readonly prefetched = new Map<number, QueueEntry>();
  private current: Current | null = null;
  private statePending = false;
  private volume: number;

  constructor(
    private readonly config: KioskConfig,
    readonly library: Library,
    readonly queue: QueueStore,
    readonly plays: PlayLog,
    private readonly player: Player,
    readonly log: Logger,
    private readonly money: JukeboxMoney,
    readonly telemetry: JukeboxTelemetry,
  ) {
    this.volume = config.audio.volume;
    money.service.onUpdate((u) => {
      if (u.type === 'feedback') this.emit({ type: 'money', money: u.feedback });
      this.publishState();
    });
    player.on('started', (item) => this.onStarted(item));
    player.on('position', (item, positionMs) =>
      this.emit({ type: 'position', entryId: item.entryId, positionMs: Math.round(positionMs) }),
    );
    player.on('ended', (item, result) => this.onEnded(item, result));
    player.on('error', (err) => {
      this.log.error({ err }, 'player error: playback has stopped');
      this.emit({ type: 'notice', level: 'error', message: `Playback stopped: ${err.message}` });
      this.publishState();
      // Nobody may pay for a song the box can no longer play.
      void money.service.setAccepting(false);
      for (const listener of this.fatalListeners) listener(err);
    });
  }

  private readonly fatalListeners: ((err: Error) => void)[] = [];
  /** The retail CD terminal's part, on a box in retail mode (set once at start). */
  retail: RetailService | null = null;
  private closed = false;

  /**
   * Called when playback cannot go on in this process (the audio sink died). The CLI exits
   * non-zero so the supervisor restarts the core; entries cut short are re-queued by
   * QueueStore.recover() at the next start.
   */
  onFatal(listener: (err: Error) => void): void {
    this.fatalListeners.push(listener);
  }

  /** True while songs can be played: the player has not stopped. */
  canPlay(): boolean {
    return !this.closed && this.player.status().state !== 'stopped';
  }

  /** Stops publishing; call before the database closes. */
  close(): void {
    this.closed = true;
  }

  /** Called by the player when it wants the next track (also ahead of time, for gapless). */
  readonly nextItem = (): PlayItem | null => {
    for (;;) {
      const next = this.queue.takeNext();
      if (!next) return null;
      if (!next.playable || next.playable.path === null) {
        this.log.warn({ trackId: next.entry.track.id }, 'queued track is not playable; skipped');
        this.recordFailedPlay(next.entry, 'track file is missing from the library');
        continue;
      }
      const { path, encryption } = next.playable;
      let input: string | undefined;
      if (encryption !== null) {
        // Unwrapping here, not in the decoder, so that a key that is not for this box is a
        // skipped song with a reason (and a refund), not a decoder that dies mid-gap.
        try {
          // Valid well past the song's end: the decoder may be prefetched minutes ahead.
          input = this.telemetry.content.url(
            path,
            encryption,
            next.playable.durationMs + 3_600_000,
          );
        } catch (err) {
          this.log.error({ err, trackId: next.entry.track.id }, 'cannot decrypt a synced track');
          this.recordFailedPlay(next.entry, 'the track cannot be decrypted on this box');
          continue;
        }
      }
      this.prefetched.set(next.entry.entryId, next.entry);
      this.publishState();
      return {
        entryId: next.entry.entryId,
        trackId: next.entry.track.id,
        path,
        gainDb: next.playable.gainDb,
        durationMs: next.playable.durationMs,
        ...(input === undefined ? {} : { input }),
      };
    }
  };

  /**
   * The patron's pick (the kiosk API's `enqueue`): spends the song price, or the "play next"
   * price for the head of the queue, in one transaction with the queue insert.
   */
  pick(trackId: number, playNext = false, requestId?: string): ApiResult<QueueEntry> {
    // A retry of a pick already bought gets the same answer, whatever happened since.
    const previous = requestId === undefined ? null : this.money.paid.previous(requestId, trackId);
    if (previous !== null) return previous;
    if (!this.canPlay()) {
      return {
        ok: false,
        error: { code: 'unavailable', message: 'playback is out of order; please ask staff' },
      };
    }
    const result = this.money.paid.pick(trackId, playNext, requestId);
    if (result.ok) {
      this.player.wake();
      this.publishState();
    }
    return result;
  }

  setVolume(volume: number): number {
    this.player.setVolume(volume);
    this.volume = volume;
    this.publishState();
    return volume;
  }

  skip(): void {
    this.player.skip();
  }

  onEvent(listener: (event: KioskEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.emit({ type: 'notice', level, message });
  }

  state(): KioskState {
    return {
      box: { id: this.config.box.id, name: this.config.box.name },
      mode: this.config.mode,
      credits: this.money.ledger.balance(),
      pricing: {
        freePlay: isFreePlay(this.config.money),
        songPrice: this.config.money.songPrice,
        playNextPrice: this.config.money.playNextPrice,
        currency: this.config.money.currency,
        minorUnit: this.config.money.minorUnit,
      },
      money: this.money.service.state(),
      volume: this.volume,
      player: this.player.status().state,
      queue: this.upcoming(),
      nowPlaying: this.nowPlaying(),
      attractAfterSeconds: this.config.ui.attractAfterSeconds,
      library: { tracks: this.library.trackCount() },
      retail: this.retail?.state() ?? null,
    };
  }

  status(): StatusResponse {
    const s = this.state();
    return {
      box: s.box,
      version: VERSION,
      generatedAt: new Date().toISOString(),
      credits: s.credits,
      volume: s.volume,
      player: s.player,
      queue: s.queue,
      nowPlaying: s.nowPlaying,
      library: { tracks: s.library.tracks, pendingLoudness: this.library.pendingLoudnessCount() },
      playCounts: this.plays.counts(),
      lastPlaySeq: this.plays.lastSeq(),
      money: {
        state: s.money,
        totals: this.money.service.totals(),
        devices: this.money.service.devices(),
      },
      telemetry: {
        lastSeq: this.telemetry.outbox.lastSeq(),
        ackedSeq: this.telemetry.outbox.ackedSeq(),
        pending: this.telemetry.outbox.unacknowledged(),
        songRequests: this.telemetry.songRequests.count(),
      },
      retail:
        this.retail === null
          ? null
          : { orders: this.retail.orders.counts(), burners: this.retail.station.burners() },
      fleet: this.telemetry.fleet?.() ?? null,
    };
  }

  /** Coalesces bursts of changes into one state event per tick. */
  publishState(): void {
    if (this.statePending) return;
    this.statePending = true;
    setImmediate(() => {
      this.statePending = false;
      if (this.closed) return;
      this.emit({ type: 'state', state: this.state() });
    });
  }

  private upcoming(): QueueEntry[] {
    const playing = this.current?.entry.entryId;
    const ahead = [...this.prefetched.values()].filter((e) => e.entryId !== playing);
    return [...ahead, ...this.queue.list()];
  }

  private nowPlaying(): NowPlaying | null {
    const c = this.current;
    if (!c) return null;
    const st = this.player.status().current;
    const positionMs = st && st.item.entryId === c.item.entryId ? Math.round(st.positionMs) : 0;
    return {
      entryId: c.entry.entryId,
      playSeq: c.seq,
      track: this.library.trackSummary(c.item.trackId) ?? c.entry.track,
      positionMs,
      durationMs: c.item.durationMs,
      startedAt: c.startedAt,
    };
  }

  private onStarted(item: PlayItem): void {
    const entry = this.prefetched.get(item.entryId);
    this.prefetched.delete(item.entryId);
    if (!entry) {
      this.log.error(
        { entryId: item.entryId },
        'player started an entry the jukebox did not hand out',
      );
      return;
    }
    const seq = this.plays.start({
      boxId: this.config.box.id,
      trackId: item.trackId,
      entryId: item.entryId,
    });
    this.current = { item, entry, seq, startedAt: new Date().toISOString() };
    this.log.info({ seq, trackId: item.trackId, title: entry.track.title }, 'play started');
    this.publishState();
  }

  private onEnded(item: PlayItem, result: TrackEnd): void {
    if (item.input !== undefined) this.telemetry.content.release(item.input);
    // The player reports 'stopped' for tracks cut by shutdown. Such an entry stays 'playing'
    // in the queue, and QueueStore.recover() puts it back at the head at the next start: the
    // patron paid for a whole song. Its play event is closed as interrupted (not counted).
    const shutdown = result.reason === STOPPED_REASON;
    const c = this.current;
    // Why a paid song failed (refunded below); null when it played or was skipped by staff.
    let failed: string | null = null;
    if (c && c.item.entryId === item.entryId) {
      this.current = null;
      const reason = shutdown ? interruptedReason : result.reason;
      this.plays.finish(c.seq, {
        status: result.status,
        playedMs: Math.round(result.playedMs),
        ...(reason === undefined ? {} : { reason }),
      });
      this.log.info({ seq: c.seq, status: result.status, reason }, 'play ended');
      if (result.status === 'aborted' && !NOT_A_FAILURE.has(result.reason ?? '')) {
        failed = result.reason ?? 'playback failed';
      }
    } else {
      const entry = this.prefetched.get(item.entryId);
      this.prefetched.delete(item.entryId);
      // Ended before its first sample reached the sink (file unreadable, decoder missing).
      if (entry && !shutdown) {
        failed = result.reason ?? 'playback failed';
        this.recordFailedPlay(entry, failed, false);
      }
    }
    if (shutdown) return;
    this.queue.finish(item.entryId);
    if (result.status === 'aborted' && result.reason) {
      this.emit({ type: 'notice', level: 'warning', message: `Skipped a song: ${result.reason}` });
    }
    if (failed !== null) this.refund(item.entryId, failed);
    this.publishState();
  }

  /** A queued song that could not play at all is still an event operators can see. */
  private recordFailedPlay(entry: QueueEntry, reason: string, finishQueue = true): void {
    const seq = this.plays.start({
      boxId: this.config.box.id,
      trackId: entry.track.id,
      entryId: entry.entryId,
    });
    this.plays.finish(seq, { status: 'aborted', playedMs: 0, reason });
    if (finishQueue) {
      this.queue.finish(entry.entryId);
      // (Without finishQueue the caller, onEnded, refunds after its own notice.)
      this.refund(entry.entryId, reason);
    }
    this.log.warn({ seq, trackId: entry.track.id, reason }, 'play aborted before it started');
  }

  /** A paid song that could not play: its credits go back, once, and the patron is told. */
  private refund(entryId: number, reason: string): void {
    const r = this.money.paid.refund(entryId, reason);
    if (r.refunded === 0) return;
    const n = r.refunded;
    this.emit({
      type: 'notice',
      level: 'info',
      message: `A song could not play; ${n} credit${n === 1 ? ' was' : 's were'} given back`,
    });
    this.publishState();
  }

  private emit(event: KioskEvent): void {
    this.events.emit('event', event);
  }
}
