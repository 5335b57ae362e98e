import { describe, expect, it } from 'vitest';
import {
  classify,
  contentTypeFromExt,
  extFromContentType,
  extFromUrl,
  notMedia,
  sniff,
} from '../../src/download/magic.js';

const b = (...parts: (number[] | string)[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniff', () => {
  it.each([
    ['png', 'image/png', b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR')],
    ['jpg', 'image/jpeg', b([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF')],
    ['webp', 'image/webp', b('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
    ['gif', 'image/gif', b('GIF89a', [1, 0, 1, 0])],
    ['gif', 'image/gif', b('GIF87a')],
    ['mp4', 'video/mp4', b([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0], 'isomiso2avc1mp41')],
    ['mp4', 'video/mp4', b([0, 0, 0, 0x18], 'ftypmp42')],
    ['mov', 'video/quicktime', b([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 2, 0])],
    ['avif', 'image/avif', b([0, 0, 0, 0x1c], 'ftypavif')],
    ['heic', 'image/heic', b([0, 0, 0, 0x18], 'ftypheic')],
    ['webm', 'video/webm', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm')],
    [
      'mkv',
      'video/x-matroska',
      b([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88], 'matroska'),
    ],
    ['webm', 'video/webm', b([0x1a, 0x45, 0xdf, 0xa3])],
    ['glb', 'model/gltf-binary', b('glTF', [2, 0, 0, 0])],
    ['wav', 'audio/wav', b('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['mp3', 'audio/mpeg', b('ID3', [4, 0])],
    ['mp3', 'audio/mpeg', b([0xff, 0xfb, 0x90, 0x64])],
    ['flac', 'audio/flac', b('fLaC')],
    ['ogg', 'audio/ogg', b('OggS', [0])],
  ])('recognises %s (%s)', (ext, contentType, head) => {
    expect(sniff(head)).toEqual({ ext, contentType });
  });

  it.each([
    ['empty', b()],
    ['too short for PNG', b([0x89, 0x50, 0x4e])],
    ['RIFF of another kind', b('RIFF', [0, 0, 0, 0], 'XXXX')],
    ['text (an OBJ file)', b('# Blender OBJ\nv 0 0 0\n')],
    ['JSON', b('{"error":"expired"}')],
    ['XML error page', b('<?xml version="1.0"?><Error><Code>AccessDenied</Code>')],
  ])('recognises nothing in %s', (_name, head) => {
    expect(sniff(head)).toBeUndefined();
  });
});

describe('fallbacks', () => {
  it('maps content types, ignoring parameters, case and generic types', () => {
    expect(extFromContentType('image/png')).toBe('png');
    expect(extFromContentType('Image/JPEG; charset=binary')).toBe('jpg');
    expect(extFromContentType('video/quicktime')).toBe('mov');
    expect(extFromContentType('model/gltf-binary')).toBe('glb');
    expect(extFromContentType('application/octet-stream')).toBeUndefined();
    expect(extFromContentType('binary/octet-stream')).toBeUndefined();
    expect(extFromContentType('')).toBeUndefined();
    expect(extFromContentType(undefined)).toBeUndefined();
    expect(contentTypeFromExt('JPEG')).toBe('image/jpeg');
  });

  it('takes a known extension from the URL path only', () => {
    expect(extFromUrl('https://cdn.example/out/abc.PNG?X-Amz-Signature=deadbeef.mp4')).toBe('png');
    expect(extFromUrl('https://cdn.example/out/abc.jpeg')).toBe('jpg');
    expect(extFromUrl('https://cdn.example/out/mesh.obj#x')).toBe('obj');
    expect(extFromUrl('https://cdn.example/out/abc?name=x.png')).toBeUndefined();
    expect(extFromUrl('https://cdn.example/out/abc.php')).toBeUndefined();
    expect(extFromUrl('https://cdn.example/out.png/abc')).toBeUndefined();
    expect(extFromUrl('https://cdn.example/.png')).toBeUndefined();
    expect(extFromUrl('https://cdn.example/a%2F..%2F.png')).toBe('png');
    expect(extFromUrl('not a url')).toBeUndefined();
    expect(extFromUrl('data:image/png;base64,AAAA')).toBeUndefined();
  });

  it('prefers magic, then the header, then the URL, then bin', () => {
    const png = b([0x89, 0x50, 0x4e, 0x47]);
    const text = b('v 1 2 3\n');
    expect(classify(png, 'video/mp4', 'https://x/a.gif')).toEqual({ ext: 'png', contentType: 'image/png' });
    expect(classify(text, 'model/obj', 'https://x/a.glb')).toEqual({ ext: 'obj', contentType: 'model/obj' });
    expect(classify(text, 'application/octet-stream', 'https://x/a.obj?sig=1')).toEqual({
      ext: 'obj',
      contentType: 'application/octet-stream',
    });
    expect(classify(text, undefined, 'https://x/a.obj')).toEqual({ ext: 'obj', contentType: 'model/obj' });
    expect(classify(text, 'text/plain; charset=utf-8', 'https://x/a')).toEqual({
      ext: 'bin',
      contentType: 'text/plain',
    });
    expect(classify(text)).toEqual({ ext: 'bin', contentType: 'application/octet-stream' });
  });
});

describe('notMedia', () => {
  const t = (s: string) => Buffer.from(s, 'latin1');
  it.each([
    ['HTML', t('<!DOCTYPE html><html>'), 'text/html'],
    ['XML error', t('<?xml version="1.0"?><Error>'), 'application/xml'],
    ['SVG', t('\ufeff  <svg xmlns="http://www.w3.org/2000/svg">'), 'image/svg+xml'],
    ['JSON', t('{"error":"quota"}'), 'image/png'],
    ['JSON array', t(' ["a"]'), 'application/octet-stream'],
    ['text', t('Service unavailable'), 'application/octet-stream'],
    ['a text type', t('\x00\x01binary'), 'text/plain'],
    ['empty', t(''), 'image/png'],
  ])('%s is not media', (_what, head, type) => {
    expect(notMedia(head, classify(head, type))).toBeDefined();
  });

  it.each([
    ['PNG served as text/html', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'text/html', undefined],
    ['an OBJ mesh', t('v 0 0 0\nf 1 2 3\n'), 'model/obj', undefined],
    ['glTF JSON by its URL', t('{"asset":{"version":"2.0"}}'), undefined, 'https://x/scene.gltf'],
    ['unknown binary', Buffer.from([0, 1, 2, 0xfe]), 'application/octet-stream', undefined],
  ])('%s may be an output', (_what, head, type, url) => {
    expect(notMedia(head, classify(head, type, url))).toBeUndefined();
  });
});
