import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppHandler, createMediaHandler, resolveUnder } from './protocols.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

let dir: string;
let root: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-protocols-'));
  root = join(dir, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>kiosk</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'secret');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string): Request => new Request(url);

describe('app:// handler', () => {
  it('serves the renderer with the CSP header and a content type', async () => {
    const handle = createAppHandler(root);
    const res = await handle(get('app://kiosk/'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>kiosk</title>');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const js = await handle(get('app://kiosk/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('refuses path traversal and other hosts', async () => {
    const handle = createAppHandler(root);
    for (const url of [
      'app://kiosk/%2e%2e/secret.txt',
      'app://kiosk/..%2fsecret.txt',
      'app://kiosk/assets/..%2f..%2fsecret.txt',
      'app://kiosk/%00',
    ]) {
      const res = await handle(get(url));
      // The URL parser folds %2e%2e itself (-> 404 for a file outside the root); encoded
      // separators survive it and are refused after decoding (403). Either way: no file.
      expect([403, 404], url).toContain(res.status);
      expect(await res.text()).not.toContain('secret');
    }
    expect((await handle(get('app://kiosk/..%2fsecret.txt'))).status).toBe(403);
    expect((await handle(get('app://kiosk/../secret.txt'))).status).toBe(404);
    expect((await handle(get('app://other/index.html'))).status).toBe(404);
    expect((await handle(get('app://kiosk/missing.js'))).status).toBe(404);
  });

  it('resolveUnder keeps paths inside the root', () => {
    expect(resolveUnder('/r', '/a/b.js')).toBe('/r/a/b.js');
    expect(resolveUnder('/r', '/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveUnder('/r', '/%E0%A4%A')).toBeNull();
    expect(resolveUnder('/r', '/')).toBeNull();
  });
});

describe('jukebox-media:// handler', () => {
  const id = 'ab'.repeat(32);

  it('proxies a valid cover id to the core', async () => {
    const fetchImpl = vi.fn(
      async () =>
        new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'image/webp' } }),
    );
    const handle = createMediaHandler(() => 'http://127.0.0.1:4000', fetchImpl);
    const res = await handle(get(`jukebox-media://covers/${id}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(fetchImpl).toHaveBeenCalledWith(`http://127.0.0.1:4000/media/covers/${id}`);
  });

  it('refuses bad ids without calling the core, and 503s while the core is down', async () => {
    const fetchImpl = vi.fn(async () => new Response('x'));
    const handle = createMediaHandler(() => 'http://127.0.0.1:4000', fetchImpl);
    for (const bad of ['abc', `${id}0`, id.toUpperCase(), `..%2f${id.slice(4)}`, `${id}?x=1`]) {
      expect((await handle(get(`jukebox-media://covers/${bad}`))).status, bad).toBe(404);
    }
    expect((await handle(get(`jukebox-media://other/${id}`))).status).toBe(404);
    expect(fetchImpl).not.toHaveBeenCalled();
    const down = createMediaHandler(() => null, fetchImpl);
    expect((await down(get(`jukebox-media://covers/${id}`))).status).toBe(503);
  });

  it('does not pass on non-image replies or failures', async () => {
    const html = createMediaHandler(
      () => 'http://127.0.0.1:4000',
      async () => new Response('<script>', { headers: { 'content-type': 'text/html' } }),
    );
    expect((await html(get(`jukebox-media://covers/${id}`))).status).toBe(502);
    const broken = createMediaHandler(
      () => 'http://127.0.0.1:4000',
      async () => {
        throw new Error('ECONNREFUSED');
      },
    );
    expect((await broken(get(`jukebox-media://covers/${id}`))).status).toBe(502);
  });
});

describe('jukebox-media://previews handler', () => {
  const core = () => 'http://127.0.0.1:4000';
  const audio = (status = 200, headers: Record<string, string> = {}) =>
    new Response(new Uint8Array([79, 103, 103, 83]), {
      status,
      headers: { 'content-type': 'audio/ogg', ...headers },
    });

  it('streams a preview from the core, passing Range on and the range answer back', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init?: RequestInit) =>
      audio(206, { 'content-range': 'bytes 0-3/1000', 'content-length': '4' }),
    );
    const handle = createMediaHandler(core, fetchImpl as unknown as typeof fetch);
    const res = await handle(
      new Request('jukebox-media://previews/42', {
        headers: { range: 'bytes=0-3', cookie: 'x=1' },
      }),
    );
    expect(res.status).toBe(206);
    expect(res.headers.get('content-type')).toBe('audio/ogg');
    expect(res.headers.get('content-range')).toBe('bytes 0-3/1000');
    expect(res.headers.get('content-length')).toBe('4');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([79, 103, 103, 83]));
    expect(fetchImpl).toHaveBeenCalledWith('http://127.0.0.1:4000/media/previews/42', {
      method: 'GET',
      headers: { range: 'bytes=0-3' },
    });
  });

  it('asks without Range when the page sent none', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init?: RequestInit) => audio());
    const handle = createMediaHandler(core, fetchImpl as unknown as typeof fetch);
    const res = await handle(get('jukebox-media://previews/7'));
    expect(res.status).toBe(200);
    expect(fetchImpl.mock.calls[0]![1]).toEqual({ method: 'GET', headers: {} });
  });

  it('refuses ids that are not positive integers without calling the core', async () => {
    const fetchImpl = vi.fn(async () => audio());
    const handle = createMediaHandler(core, fetchImpl);
    for (const bad of ['0', '-1', '01', '1.5', 'abc', '1%2F2', '..%2f1', '99999999999999999', '']) {
      expect((await handle(get(`jukebox-media://previews/${bad}`))).status, bad).toBe(404);
    }
    expect((await handle(get('jukebox-media://previews/1?x=1'))).status).toBe(404);
    expect((await handle(get('jukebox-media://previews/1/2'))).status).toBe(404);
    expect(
      (await handle(new Request('jukebox-media://previews/1', { method: 'POST', body: 'x' })))
        .status,
    ).toBe(405);
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(
      (await createMediaHandler(() => null, fetchImpl)(get('jukebox-media://previews/1'))).status,
    ).toBe(503);
  });

  it('passes on neither non-audio replies nor core errors', async () => {
    const html = createMediaHandler(
      core,
      async () => new Response('<script>', { headers: { 'content-type': 'text/html' } }),
    );
    expect((await html(get('jukebox-media://previews/1'))).status).toBe(502);
    const missing = createMediaHandler(core, async () => new Response('no', { status: 404 }));
    expect((await missing(get('jukebox-media://previews/1'))).status).toBe(404);
    const failing = createMediaHandler(core, async () => new Response('no', { status: 500 }));
    expect((await failing(get('jukebox-media://previews/1'))).status).toBe(502);
    const range = createMediaHandler(core, async () => new Response('', { status: 416 }));
    expect((await range(get('jukebox-media://previews/1'))).status).toBe(416);
    const broken = createMediaHandler(core, async () => {
      throw new Error('ECONNREFUSED');
    });
    expect((await broken(get('jukebox-media://previews/1'))).status).toBe(502);
  });
});
