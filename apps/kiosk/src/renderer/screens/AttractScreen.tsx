import { useEffect, useState } from 'react';
import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { useApi } from '../hooks/use-api.js';

const SLIDE_MS = 5_000;

/** Full-screen cover slideshow shown when nobody is using the box; any touch starts. */
export function AttractScreen() {
  const home = useSlice('nav', (s) => s.home);
  const boxName = useSlice('kiosk', (s) => s.state?.box.name ?? 'Jukebox');
  const covers = useApi('getAttractCovers', { limit: 40 });
  const ids = covers.status === 'ok' ? covers.value : [];
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (ids.length < 2) return;
    const timer = setInterval(() => setTick((t) => t + 1), SLIDE_MS);
    return () => clearInterval(timer);
  }, [ids.length]);

  const current = ids.length > 0 ? tick % ids.length : -1;
  return (
    // A tap anywhere starts; the button below is the same action for keyboards and tests.
    <div className="attract" onClick={home}>
      <div className="slideshow" aria-hidden="true">
        {ids.map(
          (id, i) =>
            // Only the current and the previous slide are mounted: the previous fades out under
            // the current one, and forty full-screen images are never decoded at once.
            (i === current || i === (current - 1 + ids.length) % ids.length) && (
              <Cover
                key={id}
                coverId={id}
                label={boxName}
                className={`slide ${i === current ? 'slide-in' : 'slide-out'}`}
              />
            ),
        )}
      </div>
      <div className="attract-overlay">
        <h1 className="attract-title">{boxName}</h1>
        <button type="button" className="attract-start" onClick={home}>
          Touch to start
        </button>
      </div>
    </div>
  );
}
