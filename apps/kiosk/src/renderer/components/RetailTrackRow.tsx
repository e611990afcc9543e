import type { TrackSummary } from '@jukebox/protocol';
import { useId } from 'react';
import { useSlice, useStores } from '../app/stores-context.js';
import { addRefusal } from '../disc-math.js';
import { formatDuration } from '../format.js';
import { Cover } from './Cover.js';
import { PreviewButton } from './PreviewButton.js';

/**
 * A song on a retail terminal: preview it, or add it to the disc. When it cannot go on the
 * disc (too short, disc full, no room left) the Add button is disabled and the reason shown.
 */
export function RetailTrackRow({ track, showCover }: { track: TrackSummary; showCover: boolean }) {
  const { disc, toasts } = useStores();
  const limits = useSlice('kiosk', (s) => s.state?.retail ?? null);
  const entries = useSlice('disc', (s) => s.entries);
  const reasonId = useId();
  const refusal = limits
    ? addRefusal(
        limits,
        entries.map((e) => e.track.durationMs),
        track.durationMs,
      )
    : null;
  // How often the track is on the disc already: the row says so, which is the feedback for
  // "Add" (a toast per tap would cover the disc panel while a patron adds a dozen songs).
  const onDisc = entries.filter((e) => e.track.id === track.id).length;
  const add = (): void => {
    const refused = disc.getState().add(track);
    if (refused) toasts.getState().show(refused.message, 'warning');
  };
  return (
    <li className="retail-row" data-testid={`track-${track.id}`}>
      <PreviewButton track={track} />
      {showCover && <Cover coverId={track.coverId} label={track.title} className="row-cover" />}
      <span className="track-text">
        <span className="track-title">{track.title}</span>
        <span className="track-artist">{track.artist}</span>
        {onDisc > 0 && (
          <span className="on-disc" data-testid="on-disc">
            {onDisc === 1 ? 'On your disc' : `On your disc ${onDisc} times`}
          </span>
        )}
        {refusal && (
          <span className="add-reason" id={reasonId}>
            {refusal.message}
          </span>
        )}
      </span>
      {track.explicit && <span className="badge">Explicit</span>}
      <span className="track-duration">{formatDuration(track.durationMs)}</span>
      <button
        type="button"
        className="add-button"
        aria-label={`Add ${track.title} to disc`}
        aria-describedby={refusal ? reasonId : undefined}
        disabled={refusal !== null}
        onClick={add}
      >
        <span aria-hidden="true">+ </span>Add
      </button>
    </li>
  );
}
