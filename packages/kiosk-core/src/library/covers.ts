import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/index.js';

/** Cover images next to the audio, tried in this order when a file has no embedded picture. */
const sidecarNames = [
  'cover.jpg',
  'cover.jpeg',
  'cover.png',
  'folder.jpg',
  'folder.png',
  'front.jpg',
  'front.png',
];

const coverIdPattern = /^[0-9a-f]{64}$/;

/** Content-addressed cover storage: `<dataDir>/covers/<sha256 hex>`, one row per image. */
export class CoverStore {
  readonly dir: string;
  /** Sidecar lookups per album folder, so a 12-track album reads its cover.jpg once. */
  private readonly sidecars = new Map<string, Promise<string | null>>();

  constructor(
    private readonly db: Db,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'covers');
  }

  /** Stores image bytes (once per distinct image) and returns the cover id. */
  async put(bytes: Uint8Array, mime: string): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    const known = this.db.prepare('SELECT 1 FROM covers WHERE id = ?').get(id);
    if (known) return id;
    await mkdir(this.dir, { recursive: true });
    // Write to a temporary name, fsync, then rename: a power cut never leaves a truncated file
    // under a valid content name.
    const tmp = join(this.dir, `.${id}.${randomUUID()}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, id)).catch(async (err: unknown) => {
      await rm(tmp, { force: true });
      throw err;
    });
    this.db
      .prepare('INSERT OR IGNORE INTO covers (id, mime, size) VALUES (?, ?, ?)')
      .run(id, mime, bytes.byteLength);
    return id;
  }

  /** The cover image beside the audio files of a folder (cover.jpg, folder.jpg, front.jpg). */
  sidecar(folder: string): Promise<string | null> {
    let found = this.sidecars.get(folder);
    if (!found) {
      found = this.readSidecar(folder);
      this.sidecars.set(folder, found);
    }
    return found;
  }

  /** Absolute path of a stored cover, or null for an unknown or malformed id. */
  file(coverId: string): string | null {
    if (!coverIdPattern.test(coverId)) return null;
    const row = this.db.prepare('SELECT 1 FROM covers WHERE id = ?').get(coverId);
    return row ? join(this.dir, coverId) : null;
  }

  /** MIME type of a stored cover, or null for an unknown id. */
  mime(coverId: string): string | null {
    const row = this.db
      .prepare<[string], { mime: string }>('SELECT mime FROM covers WHERE id = ?')
      .get(coverId);
    return row?.mime ?? null;
  }

  private async readSidecar(folder: string): Promise<string | null> {
    let entries: string[];
    try {
      entries = await readdir(folder);
    } catch {
      return null;
    }
    const byLower = new Map(entries.map((e) => [e.toLowerCase(), e]));
    for (const name of sidecarNames) {
      const actual = byLower.get(name);
      if (!actual) continue;
      try {
        const bytes = await readFile(join(folder, actual));
        if (bytes.byteLength === 0) continue;
        return await this.put(bytes, name.endsWith('.png') ? 'image/png' : 'image/jpeg');
      } catch {
        continue;
      }
    }
    return null;
  }
}
