import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testDatabaseTargets, type TestDatabase } from '@jukebox/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServeProcess, type ServerProcess } from '../test-support/process.js';
import { startTestServer, STAFF_PASSWORD, type TestServer } from '../test-support/server.js';
import { audioFilesIn, importCatalog } from './import-cli.js';
import { makeMp3 } from './test-support/content.js';

// `fleet-server catalog import` against a real spawned server (and, for the terminal's
// progress bar, against an in-process one with a pretend TTY).

const PASSWORD = 'catalog import password';

/** A folder of two good tracks, one broken "mp3" and a file that is not audio at all. */
async function makeFolder(root: string): Promise<string> {
  const dir = path.join(root, 'music');
  mkdirSync(dir, { recursive: true });
  await makeMp3(path.join(dir, 'a-first.mp3'), {
    seed: 31,
    tags: { title: 'First', artist: 'Crew' },
  });
  await makeMp3(path.join(dir, 'c-third.MP3'), {
    seed: 33,
    tags: { title: 'Third', artist: 'Crew' },
  });
  writeFileSync(path.join(dir, 'b-broken.mp3'), 'this is not audio\n'.repeat(20));
  writeFileSync(path.join(dir, 'notes.txt'), 'skipped');
  return dir;
}

describe('audioFilesIn', () => {
  it('lists audio files by extension, sorted, and nothing else', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fleet-import-list-'));
    try {
      for (const name of ['b.flac', 'a.MP3', 'cover.jpg', 'x.json', 'c.m4a']) {
        writeFileSync(path.join(root, name), '');
      }
      mkdirSync(path.join(root, 'sub.mp3'));
      mkdirSync(path.join(root, 'Artist', 'Album'), { recursive: true });
      writeFileSync(path.join(root, 'Artist', 'Album', '01 Song.mp3'), '');
      mkdirSync(path.join(root, '.trash'));
      writeFileSync(path.join(root, '.trash', 'gone.mp3'), '');
      expect(await audioFilesIn(root)).toEqual([
        'Artist/Album/01 Song.mp3',
        'a.MP3',
        'b.flac',
        'c.m4a',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

for (const target of testDatabaseTargets()) {
  describe.skipIf(!target.available)(
    `catalog import against a spawned server on ${target.dialect}`,
    () => {
      let database: TestDatabase;
      let root: string;
      let music: string;
      let server: ServerProcess;
      let env: Record<string, string>;

      beforeAll(async () => {
        database = await target.create();
        root = mkdtempSync(path.join(os.tmpdir(), 'fleet-import-'));
        music = await makeFolder(root);
        env = {
          FLEET_DATA_DIR: path.join(root, 'data'),
          FLEET_DATABASE: database.url,
          FLEET_LOG_LEVEL: 'warn',
          PW: PASSWORD,
        };
        const created = await runCli(
          [
            'admin',
            'create',
            '--username',
            'curator',
            '--roles',
            'catalog-manager',
            '--password-env',
            'PW',
          ],
          { env },
        );
        expect(created.code, created.stderr).toBe(0);
        server = await startServeProcess(['--port', '0'], { env });
      }, 120_000);
      afterAll(async () => {
        if (server) {
          server.child.kill('SIGTERM');
          await server.exited;
        }
        rmSync(root, { recursive: true, force: true });
        await database?.dispose();
      });

      const importArgs = (dir: string) => [
        'catalog',
        'import',
        dir,
        '--server',
        server.url,
        '--username',
        'curator',
        '--password-env',
        'PW',
      ];

      it('uploads every audio file, one line per file, names the failure and exits 1', async () => {
        const res = await runCli(importArgs(music), { env: { PW: PASSWORD } });
        expect(res.code, res.stderr).toBe(1);
        const lines = res.stderr.trim().split('\n');
        expect(lines).toHaveLength(3);
        expect(lines[0]).toMatch(
          /^\[1\/3\] imported {2}a-first\.mp3 -> trk-[0-9a-f]{20} "First" by Crew$/,
        );
        expect(lines[1]).toMatch(
          /^\[2\/3\] FAILED {4}b-broken\.mp3: 415 not an audio file we accept/,
        );
        expect(lines[2]).toMatch(/^\[3\/3\] imported {2}c-third\.MP3 -> trk-/);
        expect(res.stdout).toContain('3 files: 2 imported, 0 already in the catalog, 1 failed');
        expect(res.stdout).toMatch(/failed: b-broken\.mp3: 415 /);
      }, 120_000);

      it('reports files already in the catalog and exits 0 when nothing failed', async () => {
        rmSync(path.join(music, 'b-broken.mp3'));
        const res = await runCli(importArgs(music), { env: { PW: PASSWORD } });
        expect(res.code, res.stderr).toBe(0);
        expect(res.stderr).toMatch(
          /\[1\/2\] duplicate a-first\.mp3 -> trk-.* \(already in the catalog\)/,
        );
        expect(res.stdout).toContain('2 files: 0 imported, 2 already in the catalog, 0 failed');
      }, 120_000);

      it('reads the password from stdin and exits 1 when the sign-in is refused', async () => {
        const args = importArgs(music).filter((a) => a !== '--password-env' && a !== 'PW');
        const res = await runCli(args, { input: 'wrong password entirely\n' });
        expect(res.code).toBe(1);
        expect(res.stderr).toContain('sign-in refused: 401');
      }, 60_000);

      it('refuses a bad command line with exit 2', async () => {
        for (const [args, message] of [
          [['catalog', 'import', music, '--username', 'curator'], '--server URL is required'],
          [
            ['catalog', 'import', '--server', server.url, '--username', 'curator'],
            'usage: catalog import DIR',
          ],
          [
            [
              'catalog',
              'import',
              path.join(root, 'nope'),
              '--server',
              server.url,
              '--username',
              'x',
              '--password-env',
              'PW',
            ],
            'is not a folder',
          ],
          [
            [
              'catalog',
              'import',
              music,
              '--server',
              'ftp://x',
              '--username',
              'x',
              '--password-env',
              'PW',
            ],
            '--server must be an http(s) URL',
          ],
          [['catalog', 'export'], 'unknown command "catalog export"'],
        ] as const) {
          const res = await runCli([...args], { env: { PW: PASSWORD } });
          expect(res.code, args.join(' ')).toBe(2);
          expect(res.stderr).toContain(message);
        }
      }, 120_000);
    },
  );
}

describe('catalog import on a terminal', () => {
  let t: TestServer;
  let root: string;
  beforeAll(async () => {
    t = await startTestServer(testDatabaseTargets()[0]!);
    await t.createStaff('curator', ['catalog-manager']);
    root = mkdtempSync(path.join(os.tmpdir(), 'fleet-import-tty-'));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('draws a progress bar, keeps failures on screen and ends with the summary', async () => {
    const music = await makeFolder(root);
    let stderr = '';
    let stdout = '';
    const code = await importCatalog(
      { dir: music, server: t.url, username: 'curator', password: STAFF_PASSWORD },
      {
        stderr: { write: (s: string) => (stderr += s), isTTY: true, columns: 60 },
        stdout: { write: (s: string) => (stdout += s) },
      },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('\r\x1b[2K[------------------------] 0/3 a-first.mp3');
    expect(stderr).toContain('\r\x1b[2KFAILED    b-broken.mp3: 415');
    expect(stderr).toContain('[########################] 3/3 done\n');
    expect(stdout).toContain('3 files: 2 imported, 0 already in the catalog, 1 failed');
  }, 60_000);

  it('says so when the server cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    let stderr = '';
    const code = await importCatalog(
      {
        dir: path.join(root, 'music'),
        server: `http://127.0.0.1:${port}`,
        username: 'x',
        password: 'y',
      },
      { stderr: { write: (s: string) => (stderr += s) }, stdout: { write: () => undefined } },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/fetch failed: connect ECONNREFUSED/);
  });
});
