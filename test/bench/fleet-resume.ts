import { DEFAULT_CHUNK_SIZE } from '@jukebox/crypto';
import { tempDir } from './common.js';
import { Cleanup, fmtBytes, until } from './fleet-procs.js';
import { CountingProxy } from './fleet-proxy.js';
import { fleetRig, makeSet, seedTracks, staffClient, startBox, startServer } from './fleet-rig.js';
import { fmtMs, report } from './stats.js';

/** One large track: a long live recording or a DJ mix. */
const BLOB_BYTES = 64_000_000;
/**
 * Where the line is cut, as fractions of the blob; the odd byte offsets keep the cut away
 * from chunk and buffer boundaries.
 */
const CUTS = [
  { fraction: 0.5, skew: 12_345 },
  { fraction: 0.37, skew: 777 },
  { fraction: 0.63, skew: 40_001 },
];

interface Trial {
  cutAt: number;
  /** Body bytes of the blob the box was sent in all, minus the blob's size. */
  sentAgain: number;
  /** Where the box's resumed request started. */
  resumedFrom: number;
  /** The cut to the resumed request, and to the manifest installed. */
  reconnectMs: number;
  totalMs: number;
}

/**
 * A download cut once in the middle of a large blob (the proxy delivers exactly N body bytes,
 * then drops every connection, as an outage would), and the box left to resume: the bytes
 * sent again against one JBX1 chunk, and against a naive restart that sends the whole blob
 * again. One fresh box per cut.
 */
export async function benchFleetResume(): Promise<void> {
  const tmp = tempDir('fleet-resume');
  const cleanup = new Cleanup();
  cleanup.push(tmp.cleanup);
  try {
    const rig = fleetRig(tmp.dir);
    const catalog = await seedTracks(rig, 1, BLOB_BYTES);
    const blob = catalog.tracks[0]!;
    const server = await startServer(rig, cleanup);
    const staff = await staffClient(rig, server.url);
    const setId = await makeSet(staff, 'Bench resume', [blob.id]);
    const proxy = new CountingProxy({ host: '127.0.0.1', port: server.port });
    const proxyPort = await proxy.start();
    cleanup.push(() => proxy.stop());

    const trials: Trial[] = [];
    for (const [i, cut] of CUTS.entries()) {
      const box = await startBox(
        rig,
        staff,
        `resume${i}`,
        `http://127.0.0.1:${proxyPort}`,
        cleanup,
      );
      const boxId = await until(async () => {
        const s = await box.status();
        return s.fleet?.link === 'open' && s.fleet.boxId;
      }, 'the box to enroll and open its channel');
      const cutAt = Math.floor(blob.size * cut.fraction) + cut.skew;
      const mark = proxy.transfers.length;
      proxy.cutBlobAt(blob.sha256, cutAt);
      const t0 = performance.now();
      await staff('PUT', `/api/v1/content-sets/${setId}/boxes/${boxId}`);
      await until(
        async () => {
          const sync = (await box.status()).fleet?.sync;
          return sync?.phase === 'idle' && sync.manifestVersion >= 1;
        },
        'the box to resume and install its manifest',
        { timeoutMs: 180_000, everyMs: 20 },
      );
      const totalMs = performance.now() - t0;
      const mine = proxy.transfers.slice(mark).filter((t) => t.sha256 === blob.sha256);
      const cutIndex = mine.findIndex((t) => t.cut);
      const resumed = mine[cutIndex + 1];
      const cutOne = mine[cutIndex];
      if (!cutOne || cutOne.rangeStart + cutOne.bodyBytes !== cutAt || resumed === undefined) {
        throw new Error(
          `trial ${i}: no cut at ${cutAt} and resumed download (${JSON.stringify(mine)})`,
        );
      }
      const sent = mine.reduce((n, t) => n + t.bodyBytes, 0);
      trials.push({
        cutAt,
        sentAgain: sent - blob.size,
        resumedFrom: resumed.rangeStart,
        reconnectMs: resumed.requestedAt - (cutOne.doneAt ?? cutOne.requestedAt),
        totalMs,
      });
      await box.stop();
    }

    const worst = trials.reduce((a, b) => (b.sentAgain > a.sentAgain ? b : a));
    report(
      `Resume after a cut in the middle of a ${fmtBytes(blob.size)} blob (${trials.length} cuts, a fresh box each)`,
      [
        {
          metric: 'bytes sent again (worst cut)',
          ours: `${fmtBytes(worst.sentAgain)} (${worst.sentAgain} B)`,
          reference: `${fmtBytes(DEFAULT_CHUNK_SIZE)}, one JBX1 chunk`,
          ratio: worst.sentAgain / DEFAULT_CHUNK_SIZE,
          target: '<= 1 chunk',
        },
        {
          metric: '  against a naive restart',
          ours: `${fmtBytes(worst.sentAgain)}`,
          reference: `${fmtBytes(worst.cutAt)} (everything before the cut)`,
          ratio: worst.sentAgain / worst.cutAt,
        },
      ],
      trials.map(
        (t) =>
          `cut at byte ${t.cutAt}: resumed from ${t.resumedFrom}, sent again ${t.sentAgain} B; ` +
          `cut -> resumed request ${fmtMs(t.reconnectMs)}, assignment -> installed ${fmtMs(t.totalMs)}`,
      ),
    );
  } finally {
    await cleanup.close();
  }
}
