import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'jukebox-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('loadConfig', () => {
  it('uses embedded defaults when no file is given', () => {
    const c = loadConfig(undefined, '/srv/box');
    expect(c.dataDir).toBe('/srv/box/.jukebox');
    expect(c.http.port).toBe(8480);
  });

  it('resolves relative paths against the file, not the working directory', () => {
    const f = write(
      'a.json',
      JSON.stringify({ dataDir: 'data', audio: { sink: { kind: 'wav', path: 'out.wav' } } }),
    );
    const c = loadConfig(f, '/elsewhere');
    expect(c.dataDir).toBe(path.join(dir, 'data'));
    expect(c.audio.sink).toEqual({ kind: 'wav', path: path.join(dir, 'out.wav'), pace: 1 });
  });

  it("resolves the retail terminal's folders and tool paths against the file too", () => {
    const f = write(
      'retail.json',
      JSON.stringify({
        mode: 'retail',
        retail: {
          burners: [
            { id: 'img', driver: 'image', dir: 'images' },
            { id: 'sr0', driver: 'cdrdao', device: '/dev/sr0', executable: './bin/cdrdao' },
            { id: 'sr1', driver: 'cdrdao', device: '/dev/sr1' },
          ],
          print: { dir: 'print', lp: 'tools/lp' },
        },
      }),
    );
    const c = loadConfig(f, '/elsewhere');
    expect(c.retail.burners).toMatchObject([
      { dir: path.join(dir, 'images') },
      { executable: path.join(dir, 'bin/cdrdao') },
      { executable: 'cdrdao' },
    ]);
    expect(c.retail.print).toMatchObject({
      dir: path.join(dir, 'print'),
      lp: path.join(dir, 'tools/lp'),
    });
  });

  it('refuses a retail section with a bad burner, naming the field', () => {
    const f = write(
      'bad-retail.json',
      JSON.stringify({
        retail: {
          burners: [
            { id: 'A B', driver: 'image' },
            { id: 'x', driver: 'cdrdao' },
          ],
          media: '90',
          mcn: '0123456789013',
          pricing: { basePrice: -1 },
        },
      }),
    );
    expect(() => loadConfig(f)).toThrow(/retail\.burners\.0\.id/);
    expect(() => loadConfig(f)).toThrow(/retail\.burners\.1\.device/);
    expect(() => loadConfig(f)).toThrow(/retail\.media/);
    expect(() => loadConfig(f)).toThrow(/retail\.mcn: the MCN \(EAN-13\) check digit is wrong/);
    expect(() => loadConfig(f)).toThrow(/retail\.pricing\.basePrice/);
  });

  it('names a missing file', () => {
    expect(() => loadConfig(path.join(dir, 'nope.json'))).toThrow(
      /configuration file not found: .*nope\.json/,
    );
  });

  it('reports JSON syntax errors', () => {
    const f = write('bad.json', '{ "box": ');
    expect(() => loadConfig(f)).toThrow(ConfigError);
    expect(() => loadConfig(f)).toThrow(/not valid JSON/);
  });

  it('lists every invalid field by path', () => {
    const f = write(
      'wrong.json',
      JSON.stringify({ http: { port: 'eighty' }, audio: { volume: 300 } }),
    );
    let message = '';
    try {
      loadConfig(f);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/http\.port/);
    expect(message).toMatch(/audio\.volume/);
  });
});
