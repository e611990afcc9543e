import { useEffect, useRef } from 'react';

/**
 * "Show more" at the end of a paged list. It also loads by itself when scrolled into view, so
 * a flick through a long list keeps going; the button stays for those who tap.
 */
export function MoreButton({
  hasMore,
  loading,
  onMore,
}: {
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
}) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !hasMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onMore();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, onMore]);
  if (!hasMore) return null;
  return (
    <button ref={ref} type="button" className="more-button" onClick={onMore} disabled={loading}>
      {loading ? 'Loading…' : 'Show more'}
    </button>
  );
}
