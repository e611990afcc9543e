import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CoverRejected, MAX_COVER_BYTES, inspectCover, renderCovers } from './cover.js';
import { makeImage } from './test-support/fixtures.js';

async function rejection(bytes: Uint8Array): Promise<CoverRejected> {
  const err = await inspectCover(bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CoverRejected);
  return err as CoverRejected;
}

/** A small PNG whose header claims width x height; its pixel data is a few bytes. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('inspectCover', () => {
  it('accepts JPEG, PNG and WebP and reports their size', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const info = await inspectCover(await makeImage({ width: 320, height: 240, format }));
      expect(info).toEqual({ format, width: 320, height: 240 });
    }
  });

  it('refuses bytes that are not an image, with the reason', async () => {
    const err = await rejection(Buffer.from('%PDF-1.4 this is a document, not a picture'));
    expect(err.message).toMatch(/^the cover is not an image \(.+\)$/);
  });

  it('refuses an empty file and an oversized one before decoding', async () => {
    expect((await rejection(new Uint8Array(0))).message).toBe('the cover file is empty');
    const huge = new Uint8Array(MAX_COVER_BYTES + 1);
    expect((await rejection(huge)).message).toMatch(/the limit is/);
  });

  it('refuses SVG, which is a document rather than a picture', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><rect/></svg>';
    expect((await rejection(Buffer.from(svg))).message).toMatch(/^the cover is svg; accepted:/);
  });

  it('refuses a header that declares an enormous image (decompression bomb)', async () => {
    const err = await rejection(pngClaiming(20_000, 20_000));
    expect(err.message).toBe('the cover is 20000x20000; the limit is 64 megapixels');
  });
});

describe('renderCovers', () => {
  it('makes square sRGB baseline JPEGs of each size with no metadata', async () => {
    const tagged = await sharp(await makeImage({ width: 900, height: 900 }))
      .withExif({ IFD0: { Copyright: 'someone', Artist: 'a camera' } })
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const before = await sharp(tagged).metadata();
    expect(before.exif).toBeDefined();
    expect(before.hasProfile).toBe(true);

    const covers = await renderCovers(tagged, [600, 200]);
    expect(covers.map((c) => [c.size, c.width, c.height])).toEqual([
      [600, 600, 600],
      [200, 200, 200],
    ]);
    for (const cover of covers) {
      const meta = await sharp(cover.data).metadata();
      expect(meta).toMatchObject({ format: 'jpeg', space: 'srgb', channels: 3, width: cover.size });
      expect(meta.exif).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.isProgressive).toBe(false);
    }
  });

  it('centre-crops non-square art, enlarges small art and flattens alpha', async () => {
    const wide = await makeImage({ width: 800, height: 400, format: 'png' });
    const [tile] = await renderCovers(wide, [300]);
    expect([tile!.width, tile!.height]).toEqual([300, 300]);

    const small = await makeImage({ width: 100, height: 100 });
    const [big] = await renderCovers(small, [600]);
    expect([big!.width, big!.height]).toEqual([600, 600]);

    const translucent = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const [flat] = await renderCovers(translucent, [64]);
    const { data } = await sharp(flat!.data).raw().toBuffer({ resolveWithObject: true });
    // Fully transparent red becomes black, not red, on the black background.
    expect(Math.max(...data.subarray(0, 30))).toBeLessThan(16);
  });

  it('converts CMYK art to sRGB', async () => {
    const cmyk = await sharp(await makeImage({ width: 400, height: 400 }))
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const [cover] = await renderCovers(cmyk, [200]);
    expect(await sharp(cover!.data).metadata()).toMatchObject({ space: 'srgb', channels: 3 });
  });

  it('applies EXIF orientation before it is stripped', async () => {
    // The light corner is top-left in the stored pixels; orientation 3 rotates by 180°, so
    // on screen (and in the rendered tile) it is bottom-right.
    const rotated = await sharp(await makeImage({ width: 400, height: 400 }))
      .withMetadata({ orientation: 3 })
      .jpeg()
      .toBuffer();
    const [cover] = await renderCovers(rotated, [100]);
    const { data, info } = await sharp(cover!.data).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
    expect(pixel(95, 95)).toBeGreaterThan(200);
    expect(pixel(5, 5)).toBeLessThan(100);
  });
});
