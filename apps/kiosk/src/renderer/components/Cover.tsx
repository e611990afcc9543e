import { useState } from 'react';
import { useKioskApi } from '../app/stores-context.js';

/**
 * Cover art, decorative (the title is always written next to it). A missing or broken image
 * shows a tile with the initial instead, so a grid never has holes.
 */
export function Cover({
  coverId,
  label,
  className,
}: {
  coverId: string | null;
  label: string;
  className?: string;
}) {
  const api = useKioskApi();
  const [failedId, setFailedId] = useState<string | null>(null);
  const classes = `cover ${className ?? ''}`;
  if (!coverId || failedId === coverId) {
    return (
      <div className={`${classes} cover-fallback`} aria-hidden="true">
        {label.trim().charAt(0).toUpperCase() || '♪'}
      </div>
    );
  }
  return (
    <img
      className={classes}
      src={api.coverUrl(coverId)}
      alt=""
      draggable={false}
      onError={() => setFailedId(coverId)}
    />
  );
}
