import { useEffect, useRef } from 'react';
import { useSlice } from '../app/stores-context.js';
import { formatDuration } from '../format.js';
import { insertMoneyText, priceText } from '../money-text.js';
import { pickOffer } from '../stores/index.js';
import { Cover } from './Cover.js';

/** "Play <title>?" sheet over the screen after a track row is tapped. */
export function ConfirmSheet() {
  const { track, busy, error, shortfall, cancel, confirm } = useSlice('pick', (s) => s);
  const kioskState = useSlice('kiosk', (s) => s.state);
  const offer = pickOffer(kioskState, shortfall);
  const playRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (track) playRef.current?.focus();
  }, [track]);
  if (!track) return null;
  return (
    <div className="sheet-backdrop" onClick={cancel}>
      <div
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sheet-title"
        onClick={(e) => e.stopPropagation()}
      >
        <Cover coverId={track.coverId} label={track.title} className="sheet-cover" />
        <h2 id="sheet-title">Play {track.title}?</h2>
        <p className="sheet-meta">
          {track.artist}
          {track.album ? ` · ${track.album}` : ''} · {formatDuration(track.durationMs)}
          {track.explicit && <span className="badge">Explicit</span>}
        </p>
        <p className="sheet-price">{priceText(offer.songPrice, offer.freePlay)}</p>
        {/* Always mounted so a reader announces the prompt when it appears. */}
        <p className="sheet-insert" role="status">
          {offer.missingCredits !== null && insertMoneyText(offer.missingCredits)}
        </p>
        {error && (
          <p className="status-error" role="alert">
            {error}
          </p>
        )}
        <div className="sheet-actions">
          <button type="button" className="secondary" onClick={cancel}>
            Cancel
          </button>
          <button
            ref={playRef}
            type="button"
            className="primary"
            aria-label={`Play ${track.title}`}
            disabled={busy || !offer.canPlay}
            onClick={() => void confirm()}
          >
            {busy ? 'Adding…' : 'Play'}
          </button>
          {offer.offerPlayNext && (
            <button
              type="button"
              className="secondary play-next"
              aria-label={`Play next ${track.title}`}
              disabled={busy}
              onClick={() => void confirm(true)}
            >
              Play next · {priceText(offer.playNextPrice, false)}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
