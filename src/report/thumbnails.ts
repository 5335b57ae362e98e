// Small inline thumbnails for the self-contained gallery page: a data: URI per image, made with jimp's
// pure-JS PNG/JPEG codecs (no native dependency). The files come from outside (Atlas, storage hosts), so
// the size is read from the header first and anything too big to decode safely, or in a format we cannot
// decode (WebP, GIF, AVIF…), gets no thumbnail: the page links the file instead.
import { open, readFile } from 'node:fs/promises';
import { createJimp } from '@jimp/core';
import png from '@jimp/js-png';
import jpeg from '@jimp/js-jpeg';
import { methods as resize } from '@jimp/plugin-resize';

/** Longest edge of a thumbnail, in pixels. */
export const THUMBNAIL_EDGE = 512;
/** Files at most this big, in an image format every browser shows, are inlined as they are. */
export const INLINE_ORIGINAL_MAX_BYTES = 96 * 1024;
/** Never decode more pixels than this (a 4 bytes/pixel bitmap: 160 MB at most). */
export const MAX_DECODE_PIXELS = 40_000_000;
/** Never read a file bigger than this to thumbnail it. */
export const MAX_DECODE_BYTES = 64 * 1024 * 1024;

const Jimp = createJimp({ formats: [png, jpeg], plugins: [resize] });

export interface Thumbnail {
  /** A data: URI of the thumbnail (JPEG) or of the original file (when small). */
  src: string;
  width: number;
  height: number;
}

export type ThumbnailResult = { ok: true; thumb: Thumbnail } | { ok: false; reason: string };

export interface ImageHeader {
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  width: number;
  height: number;
}

/** Width and height from a PNG, JPEG, GIF or WebP header (the first 64 KiB), without decoding; undefined when unknown. */
export function readImageHeader(b: Uint8Array): ImageHeader | undefined {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 10 && buf.toString('latin1', 0, 4) === 'GIF8') {
    return { format: 'gif', width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  }
  if (buf.length >= 30 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
    const kind = buf.toString('latin1', 12, 16);
    if (kind === 'VP8X') return { format: 'webp', width: buf.readUIntLE(24, 3) + 1, height: buf.readUIntLE(27, 3) + 1 };
    if (kind === 'VP8 ')
      return { format: 'webp', width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = buf.readUInt32LE(21);
      return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    return undefined;
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    // Walk the segments to the first start-of-frame marker (SOF0..SOF15 but DHT, JPG and DAC).
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) return undefined;
      const marker = buf[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = buf.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      }
      if (len < 2) return undefined;
      i += 2 + len;
    }
  }
  return undefined;
}

async function head(file: string, bytes: number): Promise<{ buf: Buffer; size: number }> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { buf: buf.subarray(0, bytesRead), size };
  } finally {
    await fh.close();
  }
}

const MIME: Record<ImageHeader['format'], string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/**
 * A thumbnail of `file` at most `edge` px on its longest side: the original when it is small and
 * already small enough, else a JPEG re-encode. Never throws: `{ok: false, reason}` says why not.
 */
export async function makeThumbnail(
  file: string,
  opts: { edge?: number; maxPixels?: number; inlineOriginalMaxBytes?: number } = {},
): Promise<ThumbnailResult> {
  const edge = opts.edge ?? THUMBNAIL_EDGE;
  const maxPixels = opts.maxPixels ?? MAX_DECODE_PIXELS;
  const smallBytes = opts.inlineOriginalMaxBytes ?? INLINE_ORIGINAL_MAX_BYTES;
  try {
    const { buf, size } = await head(file, 64 * 1024);
    const h = readImageHeader(buf);
    if (!h) return { ok: false, reason: 'not a PNG, JPEG, GIF or WebP image' };
    if (h.width < 1 || h.height < 1) return { ok: false, reason: `the header says ${h.width}×${h.height}` };
    const fits = h.width <= edge && h.height <= edge;
    if (fits && size <= smallBytes) {
      const all = await readFile(file);
      return { ok: true, thumb: { src: dataUri(MIME[h.format], all), width: h.width, height: h.height } };
    }
    if (h.format !== 'png' && h.format !== 'jpeg') return { ok: false, reason: `no ${h.format} decoder` };
    if (h.width * h.height > maxPixels)
      return { ok: false, reason: `${h.width}×${h.height} is over ${maxPixels} pixels: not decoded` };
    if (size > MAX_DECODE_BYTES) return { ok: false, reason: `${size} bytes is too big to decode` };
    const img = await Jimp.read(await readFile(file));
    // The header is what we checked; refuse a decoder that disagrees with it.
    if (img.bitmap.width !== h.width || img.bitmap.height !== h.height)
      return { ok: false, reason: 'the decoded size differs from the header' };
    const scale = Math.min(1, edge / Math.max(h.width, h.height));
    const w = Math.max(1, Math.round(h.width * scale));
    const ht = Math.max(1, Math.round(h.height * scale));
    if (scale < 1) img.resize({ w, h: ht });
    const out = await img.getBuffer('image/jpeg', { quality: 78 });
    return { ok: true, thumb: { src: dataUri('image/jpeg', out), width: w, height: ht } };
  } catch (e) {
    return { ok: false, reason: `cannot decode: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

function dataUri(mime: string, b: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(b).toString('base64')}`;
}
