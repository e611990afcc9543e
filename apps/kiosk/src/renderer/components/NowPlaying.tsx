import { useEffect, useState } from 'react';
import { useSlice, useStores } from '../app/stores-context.js';
import { formatDuration } from '../format.js';
import { interpolatedPositionMs } from '../stores/index.js';
import { Cover } from './Cover.js';

/** Re-read the interpolated position a few times a second so the bar moves smoothly. */
function usePositionMs(): number {
  const { kiosk } = useStores();
  const [positionMs, setPositionMs] = useState(() =>
    interpolatedPositionMs(kiosk.getState(), Date.now()),
  );
  useEffect(() => {
    const tick = () => setPositionMs(interpolatedPositionMs(kiosk.getState(), Date.now()));
    const timer = setInterval(tick, 250);
    const unsubscribe = kiosk.subscribe(tick);
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [kiosk]);
  return positionMs;
}

function Progress({ durationMs }: { durationMs: number }) {
  const positionMs = usePositionMs();
  const pct = durationMs > 0 ? Math.min(100, (positionMs / durationMs) * 100) : 0;
  const elapsed = formatDuration(positionMs);
  const total = formatDuration(durationMs);
  return (
    <div className="progress-row">
      <span className="time">{elapsed}</span>
      <div
        className="progress"
        role="progressbar"
        aria-label="Song progress"
        aria-valuemin={0}
        aria-valuemax={Math.round(durationMs / 1000)}
        aria-valuenow={Math.round(positionMs / 1000)}
        aria-valuetext={`${elapsed} of ${total}`}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="time">{total}</span>
    </div>
  );
}

/** The persistent now-playing panel at the bottom of every browsing screen. */
export function NowPlaying() {
  const nowPlaying = useSlice('kiosk', (s) => s.state?.nowPlaying ?? null);
  const upNext = useSlice('kiosk', (s) => s.state?.queue.length ?? 0);
  return (
    <section className="now-playing" aria-label="Now playing">
      {nowPlaying ? (
        <>
          <Cover coverId={nowPlaying.track.coverId} label={nowPlaying.track.title} />
          <div className="now-playing-text">
            <p className="now-title">{nowPlaying.track.title}</p>
            <p className="now-artist">{nowPlaying.track.artist}</p>
            <Progress durationMs={nowPlaying.durationMs} />
          </div>
        </>
      ) : (
        <p className="now-idle">Nothing playing. Pick a song!</p>
      )}
      <p className="up-next">{upNext === 1 ? '1 song up next' : `${upNext} songs up next`}</p>
    </section>
  );
}
