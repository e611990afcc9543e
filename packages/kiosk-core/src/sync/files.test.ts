import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAppender, syncDir, writeFileAtomic } from './files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kc-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FileAppender', () => {
  it('appends every chunk in the order pushed, coalescing those pushed while a write runs', async () => {
    const file = path.join(dir, 'out.part');
    writeFileSync(file, 'head:');
    const handle = await open(file, 'a');
    const writer = new FileAppender(handle);
    const chunks = Array.from({ length: 300 }, (_, i) => randomBytes(1 + ((i * 7919) % 5000)));
    /** `written` as each chunk's done callback saw it: one value per write. */
    const writes = new Set<number>();
    let done = 0;
    for (const c of chunks) {
      writer.push(c, () => {
        done += 1;
        writes.add(writer.written);
      });
    }
    writer.push(Buffer.alloc(0), () => (done += 1));
    expect(writer.queued).toBeGreaterThan(0);
    await writer.drain();
    await handle.close();
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(writer.written).toBe(total);
    expect(writer.queued).toBe(0);
    expect(readFileSync(file).equals(Buffer.concat([Buffer.from('head:'), ...chunks]))).toBe(true);
    expect(done).toBe(301);
    // The first write took one chunk; the other 299 went in far fewer writes.
    expect(writes.size).toBeGreaterThan(1);
    expect(writes.size).toBeLessThan(10);
  });

  it('drains at once when nothing is pending', async () => {
    const handle = await open(path.join(dir, 'empty'), 'w');
    await new FileAppender(handle).drain();
    await handle.close();
  });

  it('reports a failed write to whoever drains, and drops what is pushed after it', async () => {
    const file = path.join(dir, 'ro');
    writeFileSync(file, '');
    const handle = await open(file, 'r');
    const writer = new FileAppender(handle);
    writer.push(Buffer.from('abc'));
    await expect(writer.drain()).rejects.toMatchObject({ code: 'EBADF' });
    expect(writer.failure).not.toBeNull();
    let dropped = false;
    writer.push(Buffer.from('def'), () => (dropped = true));
    expect(dropped).toBe(true);
    expect(writer.queued).toBe(0);
    await expect(writer.drain()).rejects.toMatchObject({ code: 'EBADF' });
    await handle.close();
  });
});

describe('writeFileAtomic and syncDir', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const file = path.join(dir, 'state.json');
    writeFileAtomic(file, '{"a":1}');
    writeFileAtomic(file, new Uint8Array([0x7b, 0x7d]));
    expect(readFileSync(file, 'utf8')).toBe('{}');
    expect(readdirSync(dir)).toEqual(['state.json']);
    await syncDir(dir);
    await expect(syncDir(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
