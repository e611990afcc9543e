import { MoreButton } from '../components/MoreButton.js';
import { Status } from '../components/Status.js';
import { TrackList } from '../components/TrackList.js';
import { usePaged } from '../hooks/use-paged.js';

/** All songs of one genre, by artist. */
export function CategoryScreen({ categoryId, title }: { categoryId: number; title: string }) {
  const list = usePaged('listTracks', { categoryId, sort: 'artist' });
  return (
    <div className="screen category">
      <h1>{title}</h1>
      {list.total !== null && <p className="subtitle">{list.total} songs</p>}
      <TrackList tracks={list.items} label={`${title} songs`} />
      <Status loading={list.loading && list.items.length === 0} error={list.error} />
      <MoreButton hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </div>
  );
}
