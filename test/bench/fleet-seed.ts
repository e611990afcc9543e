import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  createEncryptStream,
  DEFAULT_CHUNK_SIZE,
  encryptedSize,
  generateContentKey,
} from '@jukebox/crypto';
import { buildServer, loadConfig, type FleetContext } from '@jukebox/fleet-server';
import type { SeededCatalog, SeededTrack } from './fleet-rig.js';

/*
 * Seeds a fleet server's database and blob store before the server starts, through the
 * server's own services (the blob store, the content key sealer, the box service), for the
 * benchmarks that would otherwise spend minutes on ffmpeg or on 5,000 enrollments:
 *
 *   fleet-seed.ts tracks --config FILE --count N --bytes B --out FILE.json
 *     N synthetic tracks: B random bytes stand for the delivery file, encrypted as JBX1 under
 *     a fresh content key sealed with the server's master key, exactly as ingest stores a
 *     track, so a box downloads and verifies what a real sync moves (it cannot play them).
 *   fleet-seed.ts boxes --config FILE --keys FILE.json
 *     Boxes with the given ids and public keys, as enrollment leaves them.
 *
 * FLEET_CONTENT_KEY_SECRET must be the one the server will run with.
 */

const { values, positionals } = parseArgs({
  options: {
    config: { type: 'string' },
    count: { type: 'string' },
    bytes: { type: 'string' },
    out: { type: 'string' },
    keys: { type: 'string' },
  },
  allowPositionals: true,
});

/** A box's public keys as the benchmark's clients made them (raw b64u). */
export interface SeedBoxKeys {
  id: string;
  signing: string;
  agreement: string;
}

/** One track, stored as ingest would store it; the delivery file is `plain`. */
async function seedTrack(
  ctx: FleetContext,
  index: number,
  plain: Buffer,
  preview: { sha256: string; size: number },
): Promise<SeededTrack> {
  const id = `trk-${randomBytes(10).toString('hex')}`;
  const key = generateContentKey();
  const sealed = (await ctx.content.sealer()).seal(key, id);
  const encrypt = createEncryptStream({
    key,
    plaintextLength: plain.length,
    chunkSize: DEFAULT_CHUNK_SIZE,
  });
  const blob = await ctx.content.blobs.put(
    pipeline(Readable.from([plain]), encrypt, () => undefined),
  );
  if (blob.size !== encryptedSize(plain.length, DEFAULT_CHUNK_SIZE)) {
    throw new Error(`encrypted ${blob.size} bytes for ${plain.length}`);
  }
  const now = Date.now();
  await ctx.db
    .insertInto('catalog_tracks')
    .values({
      id,
      title: `Bench Track ${String(index + 1).padStart(3, '0')}`,
      artist: `Bench Artist ${(index % 17) + 1}`,
      album: `Bench Album ${(index % 9) + 1}`,
      genre: 'Rock',
      year: 1970 + (index % 50),
      isrc: null,
      explicit: 0,
      // About what a 4 MB, 192 kbit/s MP3 lasts.
      duration_ms: Math.max(1000, Math.round((plain.length * 8) / 192)),
      gain_db: -3.5,
      loudness_lufs: -14.5,
      source_sha256: createHash('sha256').update(id).digest('hex'),
      source_size: plain.length,
      delivery_format: JSON.stringify({ codec: 'mp3', bitrateKbps: 192, sampleRate: 44100 }),
      plain_sha256: createHash('sha256').update(plain).digest('hex'),
      plain_size: plain.length,
      blob_sha256: blob.sha256,
      blob_size: blob.size,
      chunk_size: DEFAULT_CHUNK_SIZE,
      sealed_content_key: sealed,
      preview_sha256: preview.sha256,
      preview_size: preview.size,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const relPath = path.join(blob.sha256.slice(0, 2), blob.sha256.slice(2, 4), blob.sha256);
  if (!existsSync(path.join(ctx.config.blobDir, relPath))) {
    throw new Error(`the blob store does not keep ${blob.sha256} at ${relPath}`);
  }
  return { id, sha256: blob.sha256, size: blob.size, relPath };
}

async function seedTracks(ctx: FleetContext): Promise<void> {
  const count = Number(values.count);
  const bytes = Number(values.bytes);
  if (!(count > 0 && bytes > 0 && values.out))
    throw new Error('tracks needs --count, --bytes, --out');
  // Every seeded track shares one small clear preview (retail previews are not synced).
  const preview = await ctx.content.blobs.put(Readable.from([randomBytes(2048)]));
  const tracks: SeededTrack[] = [];
  for (let i = 0; i < count; i++) {
    tracks.push(await seedTrack(ctx, i, randomBytes(bytes), preview));
  }
  const result: SeededCatalog = { blobDir: ctx.config.blobDir, tracks };
  writeFileSync(values.out, JSON.stringify(result));
}

async function seedBoxes(ctx: FleetContext): Promise<void> {
  if (!values.keys) throw new Error('boxes needs --keys');
  const boxes = JSON.parse(readFileSync(values.keys, 'utf8')) as SeedBoxKeys[];
  const now = Date.now();
  // One transaction: thousands of autocommits would each wait for the disk.
  await ctx.db.transaction().execute(async (trx) => {
    for (const box of boxes) await ctx.boxes.create({ id: box.id, name: box.id }, null, trx);
    for (let i = 0; i < boxes.length; i += 500) {
      await trx
        .insertInto('box_keys')
        .values(
          boxes.slice(i, i + 500).map((b) => ({
            box_id: b.id,
            signing_public_key: b.signing,
            agreement_public_key: b.agreement,
            enrolled_at: now,
            enrollment_code_id: null,
          })),
        )
        .execute();
    }
  });
}

const config = loadConfig({ file: values.config });
const server = await buildServer(config);
try {
  if (positionals[0] === 'tracks') await seedTracks(server.context);
  else if (positionals[0] === 'boxes') await seedBoxes(server.context);
  else throw new Error(`unknown seed "${positionals[0]}": tracks or boxes`);
} finally {
  await server.close();
}
