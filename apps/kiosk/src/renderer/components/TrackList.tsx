import type { TrackSummary } from '@jukebox/protocol';
import { useSlice } from '../app/stores-context.js';
import { formatDuration } from '../format.js';
import { Cover } from './Cover.js';
import { RetailTrackRow } from './RetailTrackRow.js';

/** One song as a big tappable row; tapping opens the confirm sheet. */
function TrackRow({ track, showCover }: { track: TrackSummary; showCover: boolean }) {
  const pick = useSlice('pick', (s) => s.pick);
  return (
    <li>
      <button type="button" className="track-row" onClick={() => pick(track)}>
        {showCover && <Cover coverId={track.coverId} label={track.title} className="row-cover" />}
        <span className="track-text">
          <span className="track-title">{track.title}</span>
          <span className="track-artist">{track.artist}</span>
        </span>
        {track.explicit && <span className="badge">Explicit</span>}
        <span className="track-duration">{formatDuration(track.durationMs)}</span>
      </button>
    </li>
  );
}

/**
 * A list of songs with an accessible name, e.g. "Songs". On a retail terminal each row offers
 * a preview and "Add to disc" instead of the jukebox's pick.
 */
export function TrackList({
  tracks,
  label,
  showCover = true,
}: {
  tracks: TrackSummary[];
  label: string;
  showCover?: boolean;
}) {
  const retail = useSlice('kiosk', (s) => s.state?.mode === 'retail');
  const Row = retail ? RetailTrackRow : TrackRow;
  return (
    <ul className="track-list" aria-label={label}>
      {tracks.map((track) => (
        <Row key={track.id} track={track} showCover={showCover} />
      ))}
    </ul>
  );
}
