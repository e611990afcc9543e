import type { QueueEntry } from '@jukebox/protocol';
import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { formatDuration } from '../format.js';

// A stable empty list: a fresh [] per read would make the store selector never settle.
const NO_ENTRIES: readonly QueueEntry[] = [];

/** What plays now and the songs waiting, in play order. */
export function QueueScreen() {
  const nowPlaying = useSlice('kiosk', (s) => s.state?.nowPlaying ?? null);
  const queue = useSlice('kiosk', (s) => s.state?.queue ?? NO_ENTRIES);
  return (
    <div className="screen queue">
      <h1>Queue</h1>
      {nowPlaying && (
        <p className="subtitle">
          Playing now: {nowPlaying.track.title} · {nowPlaying.track.artist}
        </p>
      )}
      <h2>Up next</h2>
      {queue.length === 0 ? (
        <p className="status">The queue is empty. Pick a song!</p>
      ) : (
        <ol className="queue-list" aria-label="Queue">
          {queue.map((entry, i) => (
            <li key={entry.entryId} className="queue-row">
              <span className="queue-pos" aria-hidden="true">
                {i + 1}
              </span>
              <Cover
                coverId={entry.track.coverId}
                label={entry.track.title}
                className="row-cover"
              />
              <span className="track-text">
                <span className="track-title">{entry.track.title}</span>
                <span className="track-artist">{entry.track.artist}</span>
              </span>
              {entry.track.explicit && <span className="badge">Explicit</span>}
              <span className="track-duration">{formatDuration(entry.track.durationMs)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
