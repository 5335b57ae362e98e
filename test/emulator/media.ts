// Real media bytes for the emulator's outputs: clients must sniff magic bytes and we want the files
// to open in a viewer, so no placeholders. No ffmpeg at test time: the MP4 is a committed asset.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A size×size 8-bit RGB PNG: a gradient between two colours derived from `key` (prediction id and
 * output index), so different outputs are visibly different files with different hashes.
 */
export function makePng(key: string, size: number): Buffer {
  const s = Math.max(1, Math.floor(size));
  const h = createHash('sha256').update(key).digest();
  const raw = Buffer.alloc((s * 3 + 1) * s);
  const span = Math.max(1, s - 1);
  let o = 0;
  for (let y = 0; y < s; y++) {
    raw[o++] = 0; // filter type: none
    for (let x = 0; x < s; x++) {
      const fx = x / span;
      const fy = y / span;
      raw[o++] = Math.round(h[0]! * (1 - fx) + h[3]! * fx);
      raw[o++] = Math.round(h[1]! * (1 - fy) + h[4]! * fy);
      raw[o++] = Math.round(h[2]! * (1 - (fx + fy) / 2) + h[5]! * ((fx + fy) / 2));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(s, 0);
  ihdr.writeUInt32BE(s, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  // compression, filter, interlace: all 0
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The committed sample: 1 s, 64×64, H.264 baseline, `-movflags +faststart`, made once with
 * ffmpeg -f lavfi -i testsrc2=size=64x64:rate=12:duration=1 -c:v libx264 -preset veryslow -crf 30
 *        -pix_fmt yuv420p -profile:v baseline -movflags +faststart -map_metadata -1 -fflags +bitexact
 * Layout: ftyp, moov, free, mdat. Read per emulator (4 KB), not cached, to keep modules stateless.
 */
export function loadSampleMp4(): Buffer {
  return readFileSync(new URL('./assets/sample.mp4', import.meta.url));
}

/**
 * Bytes of the padding box that makes the video exactly `targetBytes` long, or 0 when the sample
 * already is at least that big. A box cannot be shorter than its 8-byte header, so a gap of 1–7
 * bytes is rounded up to 8; beyond 4 GiB the box needs the 16-byte 64-bit `largesize` header.
 */
export function paddingBytes(sampleBytes: number, targetBytes: number | undefined): number {
  if (targetBytes === undefined || targetBytes <= sampleBytes) return 0;
  return Math.max(8, targetBytes - sampleBytes);
}

export function videoSize(sample: Buffer, targetBytes: number | undefined): number {
  return sample.length + paddingBytes(sample.length, targetBytes);
}

/**
 * The video as chunks: the sample, then a `free` box appended at the END. Appending keeps the file
 * valid without touching anything: moov precedes mdat and its chunk offsets (stco) stay right,
 * and players skip unknown/free top-level boxes. The tail is one reused zero buffer, so serving
 * 500 MB costs 64 KB of memory.
 */
export function* videoChunks(
  sample: Buffer,
  targetBytes: number | undefined,
  chunkBytes = 64 * 1024,
): Generator<Buffer> {
  yield sample;
  const pad = paddingBytes(sample.length, targetBytes);
  if (pad === 0) return;
  let header: Buffer;
  if (pad > 0xffffffff) {
    header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0); // size 1 = a 64-bit size follows the type
    header.write('free', 4, 'latin1');
    header.writeBigUInt64BE(BigInt(pad), 8);
  } else {
    header = Buffer.alloc(8);
    header.writeUInt32BE(pad, 0);
    header.write('free', 4, 'latin1');
  }
  yield header;
  const zeros = Buffer.alloc(chunkBytes);
  for (let left = pad - header.length; left > 0; left -= chunkBytes)
    yield left >= chunkBytes ? zeros : zeros.subarray(0, left);
}

/** Magic-byte sniffing for uploads, so the upload reply can say what it got. */
export function sniffType(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16));
  if (b.subarray(0, 4).equals(PNG_SIGNATURE.subarray(0, 4))) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
  if (b.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video/webm';
  return 'application/octet-stream';
}
