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
