import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from './local.js';

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('LocalBlobStore', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fleet-blobs-'));
  const store = new LocalBlobStore(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stores a stream under its SHA-256 in a two-level folder', async () => {
    const data = Buffer.from('hello blob store');
    const info = await store.put(Readable.from([data.subarray(0, 5), data.subarray(5)]));
    expect(info).toEqual({ sha256: sha(data), size: data.length });
    const file = path.join(root, info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256);
    expect(await readFile(file)).toEqual(data);
    expect(await store.has(info.sha256)).toBe(true);
    expect(await store.stat(info.sha256)).toEqual(info);
  });

  it('copies a file and leaves the original in place', async () => {
    const src = path.join(root, 'source.bin');
    writeFileSync(src, 'file contents');
    const info = await store.put({ file: src });
    expect(info.sha256).toBe(sha('file contents'));
    expect(await readFile(src, 'utf8')).toBe('file contents');
  });

  it('keeps one copy of the same bytes and leaves no temporary file', async () => {
    const a = await store.put(Readable.from([Buffer.from('same')]));
    const b = await store.put(Readable.from([Buffer.from('same')]));
    expect(a).toEqual(b);
    expect(readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('reads inclusive ranges', async () => {
    const info = await store.put(Readable.from([Buffer.from('0123456789')]));
    expect(await text(store.createReadStream(info.sha256))).toBe('0123456789');
    expect(await text(store.createReadStream(info.sha256, { start: 0, end: 0 }))).toBe('0');
    expect(await text(store.createReadStream(info.sha256, { start: 3, end: 6 }))).toBe('3456');
  });

  it('stores nothing when the source fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection lost'));
      },
    });
    await expect(store.put(failing)).rejects.toThrow('connection lost');
    expect(readdirSync(path.join(root, '.tmp'))).toEqual([]);
    expect(await store.has(sha('partial'))).toBe(false);
  });

  it('deletes, and answers for names that are not blobs without touching the disk', async () => {
    const info = await store.put(Readable.from([Buffer.from('to delete')]));
    expect(await store.delete(info.sha256)).toBe(true);
    expect(await store.delete(info.sha256)).toBe(false);
    expect(await store.stat(info.sha256)).toBeNull();
    for (const bad of ['../../etc/passwd', 'ABC', '', 'a'.repeat(64).toUpperCase()]) {
      expect(await store.stat(bad)).toBeNull();
      expect(await store.has(bad)).toBe(false);
      expect(() => store.pathOf(bad)).toThrow(TypeError);
    }
  });

  it('opens a blob as a file, and answers null for a missing blob or a name that is not one', async () => {
    const info = await store.put(Readable.from([Buffer.from('open me')]));
    const handle = await store.openFile(info.sha256);
    try {
      expect((await handle!.readFile()).toString()).toBe('open me');
    } finally {
      await handle?.close();
    }
    expect(await store.openFile('0'.repeat(64))).toBeNull();
    expect(await store.openFile('../../etc/passwd')).toBeNull();
  });

  it('fails a read of a missing blob with ENOENT', async () => {
    const stream = store.createReadStream('0'.repeat(64));
    await expect(text(stream)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
