import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateServerSigningKey, signManifest } from '@jukebox/crypto';
import { fleetManifest, type FleetManifest, type ManifestGraphic } from '@jukebox/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from '../library/index.js';
import { captureLog, type LogLine } from '../money/test-support/capture-log.js';
import type { Logger } from '../log.js';
import { installManifest } from './content-install.js';

// installManifest on its own, with the blobs already on disk as the sync leaves them (the
// download and signature checks are content-sync.test.ts's): what the attract slideshow gets.

const serverKey = generateServerSigningKey();

/** A small image of each accepted kind, told apart by a fill byte. */
const image = {
  png: (n: number) =>
    Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, n)]),
  jpeg: (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, n)]),
  webp: (n: number) =>
    Buffer.concat([Buffer.from('RIFF\x40\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(64, n)]),
};
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dataDir: string;
let blobsDir: string;
let db: Db;
let library: Library;
let log: Logger;
let logged: LogLine[];
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kc-install-'));
  blobsDir = path.join(dataDir, 'content', 'blobs');
  mkdirSync(blobsDir, { recursive: true });
  db = openDatabase(path.join(dataDir, 'box.sqlite'));
  ({ log, lines: logged } = captureLog());
  library = new Library(db, { dataDir, tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, log });
});
afterEach(() => {
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A graphic whose blob is on disk, as after a sync. */
function graphic(kind: ManifestGraphic['kind'], bytes: Buffer, name: string): ManifestGraphic {
  writeFileSync(path.join(blobsDir, sha(bytes)), bytes);
  return { sha256: sha(bytes), size: bytes.length, kind, name };
}

/** Installs a manifest of one track (with `cover` as its cover) and `graphics`. */
async function install(version: number, cover: ManifestGraphic, graphics: ManifestGraphic[]) {
  const now = Date.now();
  const manifest: FleetManifest = fleetManifest.parse({
    boxId: 'box-install-test',
    version,
    issuedAt: new Date(now - 1000).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
    tracks: [
      {
        trackId: 'trk-one',
        sha256: 'a'.repeat(64),
        size: 1000,
        chunkSize: 65536,
        wrappedKey: Buffer.alloc(92, 1).toString('base64url'),
        metadata: {
          title: 'Song one',
          artist: 'The Fleet',
          explicit: false,
          durationMs: 1000,
          gainDb: -2,
          coverSha256: cover.sha256,
        },
      },
    ],
    graphics: [cover, ...graphics],
  });
  await installManifest(
    { db, library, blobsDir, log },
    manifest,
    signManifest(manifest, serverKey.privateKey),
    new Date(now),
  );
}

describe('installManifest: attract graphics', () => {
  it('stores them as covers and makes them the fleet slides, in manifest order, before the album covers', async () => {
    const cover = graphic('cover', image.jpeg(1), 'album.jpg');
    const slides = [
      graphic('attract', image.webp(2), 'happy hour.webp'),
      graphic('attract', image.png(3), 'quiz night.png'),
      graphic('attract', image.jpeg(4), 'karaoke.jpg'),
    ];
    await install(1, cover, slides);
    expect(library.attractSlides(40)).toEqual([
      { coverId: slides[0]!.sha256, kind: 'fleet' },
      { coverId: slides[1]!.sha256, kind: 'fleet' },
      { coverId: slides[2]!.sha256, kind: 'fleet' },
      { coverId: cover.sha256, kind: 'album' },
    ]);
    // Served like any cover: content-addressed file and its type.
    expect(library.coverFile(slides[1]!.sha256)).toBe(
      path.join(dataDir, 'covers', slides[1]!.sha256),
    );
    expect(library.coverMime(slides[0]!.sha256)).toBe('image/webp');
    // The limit counts the fleet's slides first.
    expect(library.attractSlides(2).map((s) => s.kind)).toEqual(['fleet', 'fleet']);
  });

  it('a later manifest replaces them, and one without them empties the fleet slides', async () => {
    const cover = graphic('cover', image.jpeg(1), 'album.jpg');
    const first = graphic('attract', image.png(2), 'first.png');
    const second = graphic('attract', image.png(3), 'second.png');
    await install(1, cover, [first, second]);
    await install(2, cover, [second]);
    expect(library.attractSlides(40)).toEqual([
      { coverId: second.sha256, kind: 'fleet' },
      { coverId: cover.sha256, kind: 'album' },
    ]);
    await install(3, cover, []);
    expect(library.attractSlides(40)).toEqual([{ coverId: cover.sha256, kind: 'album' }]);
  });

  it('an image that is both an album cover and a slide is shown once, as a slide', async () => {
    const cover = graphic('cover', image.jpeg(1), 'album.jpg');
    await install(1, cover, [graphic('attract', image.jpeg(1), 'album again.jpg')]);
    expect(library.attractSlides(40)).toEqual([{ coverId: cover.sha256, kind: 'fleet' }]);
  });

  it('skips an attract graphic that is not a JPEG, PNG or WebP, with a warning', async () => {
    const cover = graphic('cover', image.jpeg(1), 'album.jpg');
    const text = graphic(
      'attract',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'a.svg',
    );
    const good = graphic('attract', image.png(5), 'good.png');
    await install(1, cover, [text, good]);
    expect(library.attractSlides(40).filter((s) => s.kind === 'fleet')).toEqual([
      { coverId: good.sha256, kind: 'fleet' },
    ]);
    expect(library.coverFile(text.sha256)).toBeNull();
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'attract graphic is not a JPEG, PNG or WebP; skipped',
        kind: 'attract',
        name: 'a.svg',
        sha256: text.sha256,
      }),
    );
  });
});
