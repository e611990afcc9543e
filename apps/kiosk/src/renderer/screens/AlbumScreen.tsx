import { Cover } from '../components/Cover.js';
import { Status } from '../components/Status.js';
import { TrackList } from '../components/TrackList.js';
import { useApi } from '../hooks/use-api.js';

/** One album: big cover, title, artist and year, then its songs in order. */
export function AlbumScreen({ albumId }: { albumId: number }) {
  const data = useApi('getAlbum', { id: albumId });
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
  const { album, tracks } = data.value;
  return (
    <div className="screen album">
      <header className="page-header">
        <Cover coverId={album.coverId} label={album.title} className="page-cover" />
        <div>
          <h1>{album.title}</h1>
          <p className="subtitle">
            {album.artist}
            {album.year !== null ? ` · ${album.year}` : ''}
          </p>
        </div>
      </header>
      <TrackList tracks={tracks} label="Songs" showCover={false} />
    </div>
  );
}
