import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  encryptFile,
  generateContentKey,
  generateServerSigningKey,
  rawPublicKeyB64u,
  signManifest,
  wrapContentKey,
  type KeyPair,
} from '@jukebox/crypto';
import { countDecodedFrames } from '@jukebox/media';
import type { FleetManifest } from '@jukebox/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/index.js';
import { Library } from '../library/index.js';
import { makeAudio } from '../library/test-support/audio.js';
import { memoryLog } from '../library/test-support/silent-log.js';
import { ffmpegDecoder } from '../player/decoder.js';
import { ContentKeys } from './content-keys.js';
import { PlaintextServer } from './plaintext-server.js';
import { ContentSync, ManifestRefused } from './content-sync.js';
import { FleetClient } from './fleet-client.js';
import { loadOrCreateIdentity, type LoadedIdentity } from './identity.js';

// The box's content sync against a small stand-in for the fleet server's two box endpoints
// (the real server is exercised in test/integration/fleet): real signed manifests, real JBX1
// blobs, real key wraps for this box's identity.

const BOX = 'box-content-test';
let work: string;
let server: Server;
let base: string;
let serverKey: KeyPair;
/** What the stand-in serves. */
const served = {
  manifest: null as unknown,
  blobs: new Map<string, Buffer>(),
  requests: [] as string[],
};
/** Two tracks, encrypted once for all tests. */
const tracks: { id: string; plain: Buffer; blob: Buffer; sha: string; key: Buffer }[] = [];
const cover = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
const coverSha = createHash('sha256').update(cover).digest('hex');

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'kc-content-'));
  serverKey = generateServerSigningKey();
  for (const [i, id] of ['trk-one', 'trk-two'].entries()) {
    const mp3 = path.join(work, `${id}.mp3`);
    makeAudio(mp3, { seconds: 1 + i, frequency: 330 + i * 110 });
    const key = generateContentKey();
    const out = path.join(work, `${id}.jbx`);
    await encryptFile(mp3, out, key);
    const blob = readFileSync(out);
    const sha = createHash('sha256').update(blob).digest('hex');
    tracks.push({ id, plain: readFileSync(mp3), blob, sha, key });
    served.blobs.set(sha, blob);
  }
  served.blobs.set(coverSha, cover);
  server = createServer((req, res) => {
    served.requests.push(`${req.method} ${req.url}`);
    if (!req.headers['x-box-signature']) {
      res.writeHead(401).end();
      return;
    }
    if (req.url === '/api/v1/box/manifest') {
      if (served.manifest === null) res.writeHead(404).end();
      else
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(served.manifest));
      return;
    }
    const blob = served.blobs.get(req.url?.replace('/api/v1/box/blobs/', '') ?? '');
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    res
      .writeHead(m ? 206 : 200, {
        'content-length': blob.length - start,
        ...(m ? { 'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}` } : {}),
      })
      .end(blob.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(work, { recursive: true, force: true });
});

let dataDir: string;
let db: Db;
let library: Library;
let identity: LoadedIdentity;
let inUse: Set<string>;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(work, 'box-'));
  mkdirSync(dataDir, { recursive: true });
  db = openDatabase(path.join(dataDir, 'box.sqlite'));
  library = new Library(db, {
    dataDir,
    tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
    log: memoryLog(),
  });
  identity = loadOrCreateIdentity(dataDir);
  inUse = new Set();
  served.requests.length = 0;
});
afterEach(() => db.close());

function manifest(version: number, which: number[], change: Partial<FleetManifest> = {}) {
  const now = Date.now();
  const m: FleetManifest = {
    boxId: BOX,
    version,
    issuedAt: new Date(now - 1000).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
    tracks: which.map((i) => {
      const t = tracks[i]!;
      return {
        trackId: t.id,
        sha256: t.sha,
        size: t.blob.length,
        chunkSize: 65536,
        wrappedKey: wrapContentKey(t.key, identity.agreementPublicKey, t.id),
        metadata: {
          title: `Song ${t.id}`,
          artist: 'The Fleet',
          explicit: false,
          durationMs: 1000 * (i + 1),
          gainDb: -2.5,
          coverSha256: coverSha,
        },
      };
    }),
    graphics: [{ sha256: coverSha, size: cover.length, kind: 'cover', name: 'cover.jpg' }],
    ...change,
  };
  return signManifest(m, serverKey.privateKey);
}

function sync(opts: { log?: object } = {}) {
  return new ContentSync({
    db,
    library,
    client: new FleetClient({ server: base }),
    auth: { boxId: BOX, key: identity.identity.signing.privateKey },
    serverKey: rawPublicKeyB64u(serverKey.publicKey),
    dataDir,
    log: (opts.log ?? memoryLog()) as never,
    inUse: () => inUse,
    changed: () => library.invalidate(),
  });
}

const blobFile = (sha: string) => path.join(dataDir, 'content', 'blobs', sha);

async function plaintextOf(trackId: number): Promise<Buffer> {
  const p = library.playable(trackId);
  if (!p?.encryption) throw new Error('not an encrypted track');
  const chunks: Buffer[] = [];
  for await (const c of new ContentKeys(dataDir).open(p.path, p.encryption))
    chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('ContentSync', () => {
  it('installs a signed manifest: blobs verified, library updated, tracks play decrypted', async () => {
    served.manifest = manifest(1, [0, 1]);
    const s = sync();
    await s.syncNow();
    expect(s.state).toMatchObject({
      phase: 'idle',
      manifestVersion: 1,
      files: { done: 3, total: 3 },
    });
    const found = library.search('Song trk', 10).tracks;
    expect(found.map((t) => t.title).sort()).toEqual(['Song trk-one', 'Song trk-two']);
    expect(found.every((t) => t.coverId === coverSha)).toBe(true);
    for (const t of found) {
      const source = tracks.find((x) => `Song ${x.id}` === t.title)!;
      // The file on disk is the encrypted blob; what plays is the original delivery file.
      expect(readFileSync(blobFile(source.sha)).equals(source.blob)).toBe(true);
      expect((await plaintextOf(t.id)).equals(source.plain)).toBe(true);
      expect(library.playable(t.id)?.gainDb).toBe(-2.5);
    }
    // Nothing is fetched again when nothing changed.
    served.requests.length = 0;
    await s.syncNow();
    expect(served.requests).toEqual(['GET /api/v1/box/manifest']);
  });

  it('drops what a newer manifest no longer lists, but keeps a blob a queued song needs', async () => {
    served.manifest = manifest(1, [0, 1]);
    const s = sync();
    await s.syncNow();
    inUse.add(tracks[1]!.sha);
    served.manifest = manifest(2, [0]);
    await s.syncNow();
    expect(s.state.manifestVersion).toBe(2);
    expect(library.search('Song trk', 10).tracks.map((t) => t.title)).toEqual(['Song trk-one']);
    expect(existsSync(blobFile(tracks[1]!.sha))).toBe(true);
    inUse.clear();
    served.manifest = manifest(3, [0]);
    // The box shows the manifest installed as soon as the library has it; the blob it no
    // longer lists is deleted after that, before the sync ends.
    const shown: boolean[] = [];
    s.onProgress((p) => {
      if (p.phase === 'idle' && p.manifestVersion === 3) {
        shown.push(existsSync(blobFile(tracks[1]!.sha)));
      }
    });
    await s.syncNow();
    expect(shown).toEqual([true]);
    expect(existsSync(blobFile(tracks[1]!.sha))).toBe(false);
    expect(existsSync(blobFile(tracks[0]!.sha))).toBe(true);
  });

  it('fetches only the blobs missing or of the wrong size, and logs when each step ended', async () => {
    served.manifest = manifest(1, [0, 1]);
    // One blob already whole (an earlier sync, a USB bundle), one cut short on disk.
    mkdirSync(path.dirname(blobFile(tracks[0]!.sha)), { recursive: true });
    writeFileSync(blobFile(tracks[0]!.sha), tracks[0]!.blob);
    writeFileSync(blobFile(tracks[1]!.sha), tracks[1]!.blob.subarray(0, 100));
    const logged: { msg: string; obj: Record<string, unknown> }[] = [];
    const log = {
      info: (obj: Record<string, unknown>, msg: string) => logged.push({ msg, obj }),
      warn: () => undefined,
      error: () => undefined,
    };
    const s = sync({ log });
    await s.syncNow();
    expect(s.state).toMatchObject({ phase: 'idle', manifestVersion: 1, files: { total: 2 } });
    expect(served.requests.sort()).toEqual(
      [
        'GET /api/v1/box/manifest',
        `GET /api/v1/box/blobs/${tracks[1]!.sha}`,
        `GET /api/v1/box/blobs/${coverSha}`,
      ].sort(),
    );
    expect(readFileSync(blobFile(tracks[1]!.sha)).equals(tracks[1]!.blob)).toBe(true);
    const done = logged.find((l) => l.msg === 'content sync done')!.obj;
    expect(done).toMatchObject({
      version: 1,
      files: 2,
      bytes: tracks[1]!.blob.length + cover.length,
    });
    expect(done.startedAt).toBeGreaterThan(Date.now() - 60_000);
    const ms = done.ms as Record<string, number>;
    const order = [
      'manifest',
      'compared',
      'firstBytes',
      'blobs',
      'dirSynced',
      'installed',
      'collected',
    ];
    expect(Object.keys(ms).sort()).toEqual([...order].sort());
    for (let i = 1; i < order.length; i++) {
      expect(ms[order[i]!], order[i]).toBeGreaterThanOrEqual(ms[order[i - 1]!]!);
    }
  });

  it('refuses a bad signature, another box, an older version, an expired or malformed manifest', async () => {
    served.manifest = manifest(5, [0]);
    const s = sync();
    await s.syncNow();
    const other = generateServerSigningKey();
    const cases: [string, unknown, RegExp][] = [
      [
        'signed by another key',
        signManifest((manifest(6, [0]) as { manifest: FleetManifest }).manifest, other.privateKey),
        /signature/,
      ],
      ['for another box', manifest(6, [0], { boxId: 'box-someone-else' }), /another|not this one/],
      ['older', manifest(4, [0]), /older than 5/],
      [
        'expired',
        manifest(6, [0], {
          issuedAt: new Date(Date.now() - 3_000_000).toISOString(),
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        }),
        /expired/,
      ],
      [
        'a field changed after signing',
        { ...(manifest(6, [0]) as object), signature: 'A'.repeat(86) },
        /signature/,
      ],
    ];
    for (const [what, raw, message] of cases) {
      expect(() => s.check(raw), what).toThrow(ManifestRefused);
      expect(() => s.check(raw), what).toThrow(message);
      served.manifest = raw;
      await s.syncNow();
      expect(s.state.phase, what).toBe('failed');
      expect(s.state.manifestVersion, what).toBe(5);
    }
    expect(library.search('Song trk', 10).tracks).toHaveLength(1);
  });

  it('a paused sync downloads nothing until resumed, then completes', async () => {
    served.manifest = manifest(1, [0, 1]);
    const s = sync();
    s.pause('a CD is burning');
    await s.syncNow();
    expect(s.state).toMatchObject({
      phase: 'paused',
      detail: 'a CD is burning',
      manifestVersion: 0,
    });
    expect(served.requests).toEqual([]);
    s.resume();
    await s.syncNow();
    expect(s.state).toMatchObject({ phase: 'idle', manifestVersion: 1 });
  });

  it('an encrypted track decodes from the loopback URL to exactly the frames of its file', async () => {
    served.manifest = manifest(1, [0, 1]);
    await sync().syncNow();
    const plaintext = new PlaintextServer();
    await plaintext.start();
    const keys = new ContentKeys(dataDir, plaintext);
    for (const t of library.search('Song trk', 10).tracks) {
      const p = library.playable(t.id)!;
      const source = tracks.find((x) => `Song ${x.id}` === t.title)!;
      const plainFile = path.join(work, `${source.id}.mp3`);
      const decoder = ffmpegDecoder(
        {
          entryId: 1,
          trackId: t.id,
          path: p.path,
          gainDb: 0,
          durationMs: t.durationMs,
          input: keys.url(p.path, p.encryption!, 60_000),
        },
        { tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, limiterCeilingDb: -1 },
      );
      let bytes = 0;
      for await (const chunk of decoder.stdout) bytes += (chunk as Buffer).length;
      await decoder.done;
      // s16le stereo: 4 bytes a frame; the gain and limiter keep the sample count.
      expect(bytes / 4).toBe(await countDecodedFrames(plainFile));
    }
    await plaintext.close();
  });
});
