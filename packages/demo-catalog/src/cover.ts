import sharp from 'sharp';
import type { PlannedAlbum } from './plan.js';
import { createRng, type Rng } from './random.js';

/** Cover size in pixels (square). */
export const COVER_SIZE = 600;

/**
 * The cover of an album as SVG: a seeded palette and one of several geometric patterns, with
 * the album title and artist set in DejaVu (installed with the system, so no font download).
 */
export function coverSvg(album: PlannedAlbum): string {
  const rng = createRng(album.coverSeed, 'cover');
  const hue = rng.int(0, 359);
  const bg = `hsl(${hue},55%,${rng.int(18, 32)}%)`;
  const accents = [1, 2, 3].map(
    (i) => `hsl(${(hue + i * rng.int(40, 110)) % 360},70%,${rng.int(45, 70)}%)`,
  );
  const pattern = [circles, stripes, grid, triangles][rng.int(0, 3)] as (
    r: Rng,
    c: string[],
  ) => string;
  const size = COVER_SIZE;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`,
    `<rect width="${size}" height="${size}" fill="${bg}"/>`,
    pattern(rng, accents),
    `<rect x="0" y="${size - 150}" width="${size}" height="150" fill="black" fill-opacity="0.55"/>`,
    text(album.title, size - 92, fitFont(album.title, 44), 'bold'),
    text(album.artist, size - 40, fitFont(album.artist, 30), 'normal'),
    `</svg>`,
  ].join('\n');
}

/** Renders the cover to a baseline JPEG (no metadata, so the bytes depend only on the SVG). */
export async function renderCover(album: PlannedAlbum): Promise<Buffer> {
  return sharp(Buffer.from(coverSvg(album)))
    .resize(COVER_SIZE, COVER_SIZE)
    .jpeg({ quality: 85, mozjpeg: false })
    .toBuffer();
}

function text(value: string, y: number, fontSize: number, weight: string): string {
  return (
    `<text x="30" y="${y}" font-family="DejaVu Sans" font-size="${fontSize}" ` +
    `font-weight="${weight}" fill="white">${escapeXml(value)}</text>`
  );
}

/** Shrinks long names so they fit the 540 px text column (DejaVu Sans is ~0.6 em wide). */
function fitFont(value: string, max: number): number {
  return Math.max(16, Math.min(max, Math.floor(540 / (value.length * 0.62))));
}

function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function circles(rng: Rng, colours: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < 9; i++) {
    out.push(
      `<circle cx="${rng.int(0, 600)}" cy="${rng.int(0, 450)}" r="${rng.int(30, 170)}" ` +
        `fill="${rng.pick(colours)}" fill-opacity="${rng.range(0.35, 0.85).toFixed(2)}"/>`,
    );
  }
  return out.join('');
}

function stripes(rng: Rng, colours: string[]): string {
  const angle = rng.pick([-45, -30, 0, 30, 45, 90]);
  const out: string[] = [`<g transform="rotate(${angle} 300 300)">`];
  for (let x = -300; x < 900; x += rng.int(40, 90)) {
    out.push(
      `<rect x="${x}" y="-300" width="${rng.int(12, 40)}" height="1200" fill="${rng.pick(colours)}"/>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

function grid(rng: Rng, colours: string[]): string {
  const out: string[] = [];
  const cell = rng.pick([60, 75, 100]);
  for (let y = 0; y < 450; y += cell) {
    for (let x = 0; x < 600; x += cell) {
      if (rng.chance(0.55)) {
        const inset = rng.int(4, cell / 4);
        out.push(
          `<rect x="${x + inset}" y="${y + inset}" width="${cell - 2 * inset}" height="${cell - 2 * inset}" ` +
            `rx="${rng.int(0, cell / 2)}" fill="${rng.pick(colours)}"/>`,
        );
      }
    }
  }
  return out.join('');
}

function triangles(rng: Rng, colours: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < 12; i++) {
    const x = rng.int(-50, 600);
    const y = rng.int(-50, 450);
    const s = rng.int(60, 220);
    out.push(
      `<polygon points="${x},${y + s} ${x + s / 2},${y} ${x + s},${y + s}" ` +
        `fill="${rng.pick(colours)}" fill-opacity="${rng.range(0.4, 0.9).toFixed(2)}"/>`,
    );
  }
  return out.join('');
}
