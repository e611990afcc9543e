import { fail, ok } from '@jukebox/protocol';
import type { KioskHandlers } from './dispatch.js';
import type { Jukebox } from './jukebox.js';

const notRetail = fail('unavailable', 'this box is a jukebox, not a retail CD terminal');

/** The kiosk API implemented on the jukebox service. Each handler gets parsed params. */
export function createHandlers(jukebox: Jukebox): KioskHandlers {
  const { library } = jukebox;
  return {
    getState: () => ok(jukebox.state()),
    getCategories: () => ok(library.categories()),
    getLetters: ({ by }) => ok(library.letters(by)),
    listTracks: (p) => ok(library.listTracks(p)),
    listArtists: (p) => ok(library.listArtists(p)),
    getArtist: ({ id }) => {
      const artist = library.artist(id);
      return artist ? ok(artist) : fail('not_found', `no artist with id ${id}`);
    },
    getAlbum: ({ id }) => {
      const album = library.album(id);
      return album ? ok(album) : fail('not_found', `no album with id ${id}`);
    },
    search: ({ query, limit }) => ok(library.search(query, limit)),
    getAttractSlides: ({ limit }) => ok(library.attractSlides(limit)),
    enqueue: ({ trackId, playNext, requestId }) => jukebox.pick(trackId, playNext, requestId),
    requestSong: ({ text }) => {
      const r = jukebox.telemetry.songRequests.add(text);
      if (!r.repeated) jukebox.log.info({ requestId: r.id, text }, 'song requested');
      return ok(r);
    },
    setVolume: ({ volume }) => ok({ volume: jukebox.setVolume(volume) }),
    quoteDisc: ({ trackIds }) =>
      jukebox.retail === null ? notRetail : ok(jukebox.retail.orders.quote(trackIds)),
    placeOrder: (p) => jukebox.retail?.place(p) ?? notRetail,
    redeemVoucher: ({ code }) => jukebox.retail?.redeem(code) ?? notRetail,
    getOrder: ({ trackingNumber }) => jukebox.retail?.order(trackingNumber) ?? notRetail,
  };
}
