import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { Status } from '../components/Status.js';
import { useApi } from '../hooks/use-api.js';

/** Entry screen: genre tiles, and the ways in by name, search and (jukebox) the queue. */
export function HomeScreen() {
  const push = useSlice('nav', (s) => s.push);
  // A retail terminal burns discs; it has no play queue to show.
  const jukebox = useSlice('kiosk', (s) => s.state?.mode !== 'retail');
  const categories = useApi('getCategories', {});
  return (
    <div className="screen home">
      <h1 className="visually-hidden">Choose your music</h1>
      <nav className="home-actions" aria-label="Browse">
        <button
          type="button"
          className="action"
          onClick={() => push({ name: 'letters', by: 'artist' })}
        >
          Artists A–Z
        </button>
        <button
          type="button"
          className="action"
          onClick={() => push({ name: 'letters', by: 'title' })}
        >
          Songs A–Z
        </button>
        <button type="button" className="action" onClick={() => push({ name: 'search' })}>
          Search
        </button>
        {jukebox && (
          <button type="button" className="action" onClick={() => push({ name: 'queue' })}>
            Queue
          </button>
        )}
      </nav>
      <h2>Genres</h2>
      {categories.status === 'ok' ? (
        <ul className="tile-grid" aria-label="Genres">
          {categories.value.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="tile"
                aria-label={c.name}
                onClick={() => push({ name: 'category', categoryId: c.id, title: c.name })}
              >
                <Cover coverId={c.coverId} label={c.name} />
                <span className="tile-name">{c.name}</span>
                <span className="tile-count">{c.trackCount} songs</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <Status
          loading={categories.status === 'loading'}
          error={categories.status === 'error' ? categories.message : null}
        />
      )}
    </div>
  );
}
