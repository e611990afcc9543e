import type { AttractSlide } from '@jukebox/protocol';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import { StoresProvider } from '../app/stores-context.js';
import { createStores } from '../stores/index.js';
import { slideshowOrder } from './attract-slides.js';
import { Slideshow } from './AttractScreen.js';

const fleet = (id: string): AttractSlide => ({ coverId: id, kind: 'fleet' });
const album = (id: string): AttractSlide => ({ coverId: id, kind: 'album' });
const ids = (slides: AttractSlide[]) => slides.map((s) => s.coverId);

describe('attract slideshow order', () => {
  it('shows the fleet slides every other slide, in turn, with each album cover once between', () => {
    const order = slideshowOrder([
      fleet('F1'),
      fleet('F2'),
      album('A1'),
      album('A2'),
      album('A3'),
      album('A4'),
      album('A5'),
    ]);
    expect(ids(order)).toEqual(['F1', 'A1', 'F2', 'A2', 'F1', 'A3', 'F2', 'A4', 'F1', 'A5']);
  });

  it('carries on with the fleet slides alone when album covers run out', () => {
    expect(ids(slideshowOrder([fleet('F1'), fleet('F2'), fleet('F3'), album('A1')]))).toEqual([
      'F1',
      'A1',
      'F2',
      'F3',
    ]);
  });

  it('with one kind only, shows the slides as given', () => {
    expect(ids(slideshowOrder([album('A1'), album('A2')]))).toEqual(['A1', 'A2']);
    expect(ids(slideshowOrder([fleet('F1'), fleet('F2')]))).toEqual(['F1', 'F2']);
    expect(slideshowOrder([])).toEqual([]);
  });
});

describe('Slideshow', () => {
  const render = (slides: AttractSlide[], current: number) =>
    renderToStaticMarkup(
      <StoresProvider stores={createStores(new FakeApi().api)}>
        <Slideshow slides={slides} current={current} label="Corner Bar" />
      </StoresProvider>,
    );
  /** The image fading in: its cover id and kind. */
  const shown = (html: string) => {
    const m =
      /<img class="cover slide slide-(fleet|album) slide-in" src="\/media\/covers\/(\w+)"/.exec(
        html,
      );
    return m ? `${m[2]} (${m[1]})` : null;
  };

  it('fades the fleet slides in every other time, between album covers', () => {
    const slides = slideshowOrder([
      fleet('F1'),
      fleet('F2'),
      album('A1'),
      album('A2'),
      album('A3'),
    ]);
    expect(slides.map((_, i) => shown(render(slides, i)))).toEqual([
      'F1 (fleet)',
      'A1 (album)',
      'F2 (fleet)',
      'A2 (album)',
      'F1 (fleet)',
      'A3 (album)',
    ]);
  });

  it('mounts only the current slide and the one before it', () => {
    const slides = slideshowOrder([fleet('F1'), album('A1'), album('A2')]);
    const html = render(slides, 1);
    expect(html.match(/<img /g)).toHaveLength(2);
    expect(html).toContain('class="cover slide slide-fleet slide-out" src="/media/covers/F1"');
    expect(html).toContain('class="cover slide slide-album slide-in" src="/media/covers/A1"');
  });

  it('shows nothing before the slides are loaded', () => {
    expect(render([], -1)).toBe('<div class="slideshow" aria-hidden="true"></div>');
  });
});
