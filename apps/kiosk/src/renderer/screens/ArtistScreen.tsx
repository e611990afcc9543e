import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { Status } from '../components/Status.js';
import { TrackList } from '../components/TrackList.js';
import { useApi } from '../hooks/use-api.js';

/** One artist: albums as a grid of covers, then every song. */
export function ArtistScreen({ artistId }: { artistId: number }) {
  const push = useSlice('nav', (s) => s.push);
  const data = useApi('getArtist', { id: artistId });
  if (data.status !== 'ok') {
    return (
      <div className="screen">
        <Status
          loading={data.status === 'loading'}
          error={data.status === 'error' ? data.message : null}
        />
      </div>
    );
  }
  const { artist, albums, tracks } = data.value;
  return (
    <div className="screen artist">
      <header className="page-header">
        <Cover coverId={artist.coverId} label={artist.name} className="page-cover" />
        <div>
          <h1>{artist.name}</h1>
          <p className="subtitle">{artist.trackCount} songs</p>
        </div>
      </header>
      {albums.length > 0 && (
        <>
          <h2>Albums</h2>
          <ul className="tile-grid" aria-label="Albums">
            {albums.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="tile"
                  aria-label={a.title}
                  onClick={() => push({ name: 'album', albumId: a.id })}
                >
                  <Cover coverId={a.coverId} label={a.title} />
                  <span className="tile-name">{a.title}</span>
                  {a.year !== null && <span className="tile-count">{a.year}</span>}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Songs</h2>
      <TrackList tracks={tracks} label="Songs" showCover={false} />
    </div>
  );
}
