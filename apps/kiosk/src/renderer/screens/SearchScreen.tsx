import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { Keyboard } from '../components/Keyboard.js';
import { TrackList } from '../components/TrackList.js';

function Results() {
  const push = useSlice('nav', (s) => s.push);
  const results = useSlice('search', (s) => s.results);
  const error = useSlice('search', (s) => s.error);
  const query = useSlice('search', (s) => s.query);
  if (error) {
    return (
      <p className="status status-error" role="alert">
        {error}
      </p>
    );
  }
  if (!query.trim()) return <p className="status">Type a song, artist or album.</p>;
  if (!results) return null;
  const { artists, albums, tracks } = results;
  if (artists.length + albums.length + tracks.length === 0) {
    return <p className="status">Nothing found.</p>;
  }
  return (
    <>
      {artists.length > 0 && (
        <section aria-label="Artists found">
          <h2>Artists</h2>
          <ul className="name-list" aria-label="Artists">
            {artists.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="name-row"
                  onClick={() => push({ name: 'artist', artistId: a.id })}
                >
                  <Cover coverId={a.coverId} label={a.name} className="row-cover" />
                  <span className="track-title">{a.name}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {albums.length > 0 && (
        <section aria-label="Albums found">
          <h2>Albums</h2>
          <ul className="name-list" aria-label="Albums">
            {albums.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="name-row"
                  onClick={() => push({ name: 'album', albumId: a.id })}
                >
                  <Cover coverId={a.coverId} label={a.title} className="row-cover" />
                  <span className="track-text">
                    <span className="track-title">{a.title}</span>
                    <span className="track-artist">{a.artist}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {tracks.length > 0 && (
        <section aria-label="Songs found">
          <h2>Songs</h2>
          <TrackList tracks={tracks} label="Songs" />
        </section>
      )}
    </>
  );
}

/** Under the results: ask for the song typed when the box does not have it. */
function RequestSong() {
  const query = useSlice('search', (s) => s.query.trim());
  const requested = useSlice('search', (s) => s.requested);
  const requestError = useSlice('search', (s) => s.requestError);
  const requestSong = useSlice('search', (s) => s.requestSong);
  if (query.length < 2) return null;
  if (requested === query) {
    return (
      <p className="request-song status" role="status">
        Thanks! We have asked for “{query}”.
      </p>
    );
  }
  return (
    <div className="request-song">
      <span>Not here?</span>
      <button type="button" className="request-button" onClick={() => void requestSong()}>
        Ask for “{query}”
      </button>
      {requestError && (
        <p className="status status-error" role="alert">
          {requestError}
        </p>
      )}
    </div>
  );
}

/** Search with the on-screen keyboard; results follow every key. */
export function SearchScreen() {
  const query = useSlice('search', (s) => s.query);
  const { type, backspace, clear } = useSlice('search', (s) => s);
  return (
    <div className="screen search">
      <h1 className="visually-hidden">Search</h1>
      <div className="search-field">
        <input
          className="query"
          type="text"
          readOnly
          aria-label="Search text"
          value={query}
          placeholder="Search"
        />
      </div>
      <div className="search-results" aria-live="polite">
        <Results />
        <RequestSong />
      </div>
      <Keyboard onKey={type} onSpace={() => type(' ')} onBackspace={backspace} onClear={clear} />
    </div>
  );
}
