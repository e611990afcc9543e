import type { TrackSummary } from '@jukebox/protocol';
import { useSlice } from '../app/stores-context.js';

const RADIUS = 20;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * Play/stop of a track's browsing preview, with a ring that fills as the preview plays. A
 * toggle button named "Preview <title>", pressed while this track's preview loads or plays.
 */
export function PreviewButton({ track }: { track: TrackSummary }) {
  const toggle = useSlice('preview', (s) => s.toggle);
  const mine = useSlice('preview', (s) => s.trackId === track.id);
  const loading = useSlice('preview', (s) => s.trackId === track.id && s.status === 'loading');
  // Only the playing row follows the progress; the others re-render on start and stop only.
  const progress = useSlice('preview', (s) => (s.trackId === track.id ? s.progress : 0));
  return (
    <button
      type="button"
      className={`preview-button${mine ? ' preview-on' : ''}${loading ? ' preview-loading' : ''}`}
      aria-label={`Preview ${track.title}`}
      aria-pressed={mine}
      onClick={() => toggle(track.id)}
    >
      <svg className="progress-ring" viewBox="0 0 48 48" aria-hidden="true">
        <circle className="ring-track" cx="24" cy="24" r={RADIUS} />
        <circle
          className="ring-fill"
          cx="24"
          cy="24"
          r={RADIUS}
          strokeDasharray={CIRCUMFERENCE}
          strokeDashoffset={CIRCUMFERENCE * (1 - progress)}
        />
      </svg>
      <span className="preview-icon" aria-hidden="true">
        {mine ? '■' : '▶'}
      </span>
    </button>
  );
}
