import { useState } from 'react';
import { useSlice } from '../app/stores-context.js';
import { Cover } from '../components/Cover.js';
import { MoreButton } from '../components/MoreButton.js';
import { Status } from '../components/Status.js';
import { TrackList } from '../components/TrackList.js';
import { useApi } from '../hooks/use-api.js';
import { usePaged } from '../hooks/use-paged.js';

const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '#'];

function ArtistList({ letter }: { letter: string }) {
  const push = useSlice('nav', (s) => s.push);
  const list = usePaged('listArtists', { letter });
  return (
    <>
      <ul className="name-list" aria-label={`Artists starting with ${letter}`}>
        {list.items.map((a) => (
          <li key={a.id}>
            <button
              type="button"
              className="name-row"
              onClick={() => push({ name: 'artist', artistId: a.id })}
            >
              <Cover coverId={a.coverId} label={a.name} className="row-cover" />
              <span className="track-title">{a.name}</span>
              <span className="track-duration">{a.trackCount} songs</span>
            </button>
          </li>
        ))}
      </ul>
      <Status loading={list.loading && list.items.length === 0} error={list.error} />
      <MoreButton hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </>
  );
}

function SongList({ letter }: { letter: string }) {
  const list = usePaged('listTracks', { letter, sort: 'title' });
  return (
    <>
      <TrackList tracks={list.items} label={`Songs starting with ${letter}`} />
      <Status loading={list.loading && list.items.length === 0} error={list.error} />
      <MoreButton hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </>
  );
}

/** A–Z browsing by artist or by song title: a letter strip and the entries for the letter. */
export function LettersScreen({ by }: { by: 'artist' | 'title' }) {
  const letters = useApi('getLetters', { by });
  const [chosen, setChosen] = useState<string | null>(null);
  const counts = new Map(
    letters.status === 'ok' ? letters.value.map((l) => [l.letter, l.count]) : [],
  );
  const firstWithEntries = ALPHABET.find((l) => (counts.get(l) ?? 0) > 0) ?? null;
  const letter = chosen ?? firstWithEntries;
  const title = by === 'artist' ? 'Artists A–Z' : 'Songs A–Z';
  return (
    <div className="screen letters">
      <h1>{title}</h1>
      <nav className="letter-strip" aria-label="Letters">
        {ALPHABET.map((l) => (
          <button
            type="button"
            key={l}
            className="letter"
            disabled={(counts.get(l) ?? 0) === 0}
            aria-pressed={l === letter}
            onClick={() => setChosen(l)}
          >
            {l}
          </button>
        ))}
      </nav>
      <Status
        loading={letters.status === 'loading'}
        error={letters.status === 'error' ? letters.message : null}
      />
      {letters.status === 'ok' && !letter && <p className="status">No music here yet.</p>}
      {letter && (
        <section className="letter-results" aria-label={`Letter ${letter}`}>
          {by === 'artist' ? (
            <ArtistList key={letter} letter={letter} />
          ) : (
            <SongList key={letter} letter={letter} />
          )}
        </section>
      )}
    </div>
  );
}
