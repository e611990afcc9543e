import type { AttractSlide } from '@jukebox/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { useApi } from '../hooks/use-api.js';
import { slideshowOrder } from './attract-slides.js';

const SLIDE_MS = 5_000;

/**
 * Full-screen slideshow shown when nobody is using the box: the fleet's attract slides every
 * other slide, album covers between them. Any touch starts.
 */
export function AttractScreen() {
  const home = useSlice('nav', (s) => s.home);
  const boxName = useSlice('kiosk', (s) => s.state?.box.name ?? 'Jukebox');
  const loaded = useApi('getAttractSlides', { limit: 40 });
  const slides = useMemo(
    () => (loaded.status === 'ok' ? slideshowOrder(loaded.value) : []),
    [loaded],
  );
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (slides.length < 2) return;
    const timer = setInterval(() => setTick((t) => t + 1), SLIDE_MS);
    return () => clearInterval(timer);
  }, [slides.length]);

  return (
    // A tap anywhere starts; the button below is the same action for keyboards and tests.
    <div className="attract" onClick={home}>
      <Slideshow
        slides={slides}
        current={slides.length > 0 ? tick % slides.length : -1}
        label={boxName}
      />
      <div className="attract-overlay">
        <h1 className="attract-title">{boxName}</h1>
        <button type="button" className="attract-start" onClick={home}>
          Touch to start
        </button>
      </div>
    </div>
  );
}

/**
 * The slides with `current` shown (-1: none). Fleet slides are shown whole on a dark
 * background (`slide-fleet`), album covers fill the screen.
 */
export function Slideshow({
  slides,
  current,
  label,
}: {
  slides: readonly AttractSlide[];
  current: number;
  label: string;
}) {
  const previous = (current - 1 + slides.length) % slides.length;
  return (
    <div className="slideshow" aria-hidden="true">
      {slides.map(
        (slide, i) =>
          // Only the current and the previous slide are mounted: the previous stays under the
          // current one while it fades in, and forty full-screen images are never decoded at
          // once. Keyed by position: a fleet slide comes round several times in one pass.
          (i === current || i === previous) && (
            <Cover
              key={i}
              coverId={slide.coverId}
              label={label}
              className={`slide slide-${slide.kind} ${i === current ? 'slide-in' : 'slide-out'}`}
            />
          ),
      )}
    </div>
  );
}
