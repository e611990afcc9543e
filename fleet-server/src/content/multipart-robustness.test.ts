import { readdirSync } from 'node:fs';
import path from 'node:path';
import { testDatabaseTargets } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, type OpenApiDocument } from '../test-support/openapi.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { multipartCases, takesMultipart } from './test-support/fuzz-multipart.js';

// The upload routes against malformed multipart bodies (the generic robustness test covers
// them with JSON and text only): never a 5xx, always the JSON error shape, the server alive
// afterwards, and nothing left in the blob store, the catalog or the ingest folder.

/** File part names per upload route; the first is the required one. */
const FILE_PARTS: Record<string, string[]> = {
  'POST /api/v1/catalog/tracks': ['audio', 'cover'],
  'POST /api/v1/graphics': ['file'],
};

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.parentPath.split(path.sep).includes('.tmp'))
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(`multipart robustness on ${target.dialect}`, () => {
    let t: TestServer;
    let doc: OpenApiDocument;
    beforeAll(async () => {
      t = await startTestServer(target);
      doc = (await t.call('GET', '/openapi.json')).body as OpenApiDocument;
    });
    afterAll(() => t?.close());

    it('finds every upload route in /openapi.json', () => {
      const found = operations(doc)
        .filter(takesMultipart)
        .map((o) => `${o.method} ${o.path}`);
      expect(found.sort()).toEqual(Object.keys(FILE_PARTS).sort());
    });

    it('refuses malformed uploads with a 4xx and stores nothing', async () => {
      const failures: string[] = [];
      const statuses = new Map<string, number>();
      const blobsBefore = filesUnder(t.server.context.config.blobDir);
      for (const op of operations(doc).filter(takesMultipart)) {
        const id = `${op.method} ${op.path}`;
        for (const c of multipartCases(FILE_PARTS[id] ?? ['file'], 20260115)) {
          for (const authenticated of [false, true]) {
            let status: number | string;
            let text = '';
            try {
              const res = await fetch(t.url + op.path, {
                method: op.method,
                headers: {
                  'content-type': c.contentType,
                  ...(authenticated ? { authorization: `Bearer ${t.adminToken}` } : {}),
                },
                body: c.body,
              });
              status = res.status;
              text = await res.text();
            } catch (err) {
              status = `network error: ${(err as Error).message}`;
            }
            statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
            const wanted = authenticated ? [400, 499] : [401, 401];
            const shaped = /^\{"error":\{"code":"/.test(text);
            if (
              typeof status !== 'number' ||
              status < wanted[0]! ||
              status > wanted[1]! ||
              !shaped
            ) {
              failures.push(
                `${id} [${c.name}${authenticated ? '' : ', anonymous'}]: ${status} ${text.slice(0, 200)}`,
              );
            }
          }
        }
        const health = await fetch(`${t.url}/healthz`);
        expect(health.status, `alive after ${id}`).toBe(200);
      }
      expect(failures).toEqual([]);
      // Refused for different reasons, not one blanket answer.
      expect([...statuses.keys()].sort()).toEqual(['400', '401', '413', '415']);
      expect(filesUnder(t.server.context.config.blobDir)).toEqual(blobsBefore);
      expect(filesUnder(t.server.context.content.settings.workDir)).toEqual([]);
      const tracks = await t.server.context.db.selectFrom('catalog_tracks').select('id').execute();
      const graphics = await t.server.context.db.selectFrom('graphics').select('id').execute();
      expect([...tracks, ...graphics]).toEqual([]);
    }, 180_000);
  });
}
