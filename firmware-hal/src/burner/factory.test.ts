import { join } from 'node:path';
import type { BurnerConfig } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import { CdrdaoBurner } from './cdrdao-burner.js';
import { createBurner } from './factory.js';
import { ImageBurner } from './image-burner.js';

describe('createBurner', () => {
  it('builds an image burner writing to <dataDir>/images, or to dir relative to dataDir', async () => {
    const b = createBurner({ id: 'image-1', driver: 'image', verify: true }, { dataDir: '/data' });
    expect(b).toBeInstanceOf(ImageBurner);
    expect(b).toMatchObject({ id: 'image-1', driver: 'image' });
    expect((await b.probe()).detail).toBe(`image folder ${join('/data', 'images')}`);
    const rel = createBurner(
      { id: 'image-2', driver: 'image', dir: 'out', verify: false },
      { dataDir: '/data' },
    );
    expect((await rel.probe()).detail).toBe('image folder /data/out');
  });

  it('builds a cdrdao burner', () => {
    const b = createBurner(
      {
        id: 'drive-1',
        driver: 'cdrdao',
        device: '/dev/sr0',
        executable: 'cdrdao',
        simulate: false,
        speed: 8,
      },
      { dataDir: '/data' },
    );
    expect(b).toBeInstanceOf(CdrdaoBurner);
    expect(b).toMatchObject({ id: 'drive-1', driver: 'cdrdao' });
  });

  it('names the burner and the field of a bad entry', () => {
    const bad = {
      id: 'drive-1',
      driver: 'cdrdao',
      device: '',
      executable: 'cdrdao',
      simulate: false,
      sped: 8,
    };
    expect(() => createBurner(bad as unknown as BurnerConfig, { dataDir: '/data' })).toThrow(
      /burner "drive-1": device: .*; .*sped/,
    );
  });
});
