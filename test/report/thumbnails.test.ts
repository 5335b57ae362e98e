// Thumbnails for the self-contained gallery: real PNG/JPEG files decoded by jimp's pure-JS codecs;
// hostile headers refused before any decoding.
import { afterEach, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePng } from '../support/png.js';
import { tempDir } from '../support/run-cli.js';
import { makeThumbnail, readImageHeader } from '../../src/report/thumbnails.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function fileWith(name: string, bytes: Uint8Array): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  const f = join(d, name);
  await writeFile(f, bytes);
  return f;
}
const decode = (src: string) => Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');

describe('makeThumbnail', () => {
  it('shrinks a big PNG to a JPEG of at most 512 px whose header says so', async () => {
    const f = await fileWith(
      'big.png',
      encodePng(1200, 600, (x, y) => [x % 256, y % 256, 90, 255]),
    );
    const r = await makeThumbnail(f);
    if (!r.ok) throw new Error(r.reason);
    expect(r.thumb.src.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect([r.thumb.width, r.thumb.height]).toEqual([512, 256]);
    expect(readImageHeader(decode(r.thumb.src))).toEqual({ format: 'jpeg', width: 512, height: 256 });
  });

  it('inlines a small PNG as it is', async () => {
    const png = encodePng(40, 30, () => [10, 200, 30, 255]);
    const r = await makeThumbnail(await fileWith('small.png', png));
    if (!r.ok) throw new Error(r.reason);
    expect(r.thumb.src).toBe(`data:image/png;base64,${png.toString('base64')}`);
    expect([r.thumb.width, r.thumb.height]).toEqual([40, 30]);
  });

  it('refuses to decode a PNG whose header claims more pixels than the cap, without reading it whole', async () => {
    const png = encodePng(8, 8, () => [0, 0, 0, 255]);
    png.writeUInt32BE(60_000, 16); // IHDR width
    png.writeUInt32BE(60_000, 20); // IHDR height
    const r = await makeThumbnail(await fileWith('bomb.png', png));
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('60000×60000 is over') });
  });

  it('gives a reason, not a thumbnail, for formats it cannot decode and for garbage', async () => {
    const webp = Buffer.alloc(40);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(999, 24, 3);
    webp.writeUIntLE(999, 27, 3);
    const r = await makeThumbnail(await fileWith('a.webp', Buffer.concat([webp, Buffer.alloc(200_000)])));
    expect(r).toEqual({ ok: false, reason: 'no webp decoder' });
    const g = await makeThumbnail(await fileWith('x.png', Buffer.from('not an image at all')));
    expect(g.ok).toBe(false);
    const cut = encodePng(900, 900, (x) => [x % 256, 0, 0, 255]).subarray(0, 2000);
    const c = await makeThumbnail(await fileWith('cut.png', cut));
    expect(c.ok).toBe(false);
  });
});
