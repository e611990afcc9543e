import type { AttractSlide } from '@jukebox/protocol';

/**
 * The order the attract slideshow shows `slides` in (as the core lists them: the fleet's in
 * manifest order, then album covers). With both kinds, every other slide is one of the fleet's,
 * in turn and starting with its first, and each album cover comes once between them; the
 * fleet's slides carry on alone when the album covers run out. With one kind only, the slides
 * as given.
 */
export function slideshowOrder(slides: readonly AttractSlide[]): AttractSlide[] {
  const fleet = slides.filter((s) => s.kind === 'fleet');
  const albums = slides.filter((s) => s.kind === 'album');
  if (fleet.length === 0 || albums.length === 0) return [...slides];
  const order: AttractSlide[] = [];
  for (let i = 0; i < Math.max(fleet.length, albums.length); i++) {
    order.push(fleet[i % fleet.length]!);
    if (i < albums.length) order.push(albums[i]!);
  }
  return order;
}
