import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openPtyPair } from './pty.js';

describe('openPtyPair', () => {
  it('links two ptys in raw mode, without echo', async () => {
    const pair = await openPtyPair();
    try {
      const host = openSync(pair.host, 'r+');
      const device = openSync(pair.device, 'r+');
      writeSync(host, Buffer.from([0x02, 0x00, 0x01, 0xfe, 0xff]));
      const buf = Buffer.alloc(16);
      let n = 0;
      for (let i = 0; i < 100 && n < 5; i++) {
        try {
          n += readSync(device, buf, n, 16 - n, null);
        } catch {
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      expect([...buf.subarray(0, n)]).toEqual([0x02, 0x00, 0x01, 0xfe, 0xff]);
      closeSync(host);
      closeSync(device);
    } finally {
      await pair.close();
    }
  });
});
