// Naming downloaded outputs. Output URLs often carry no extension and a wrong or generic
// Content-Type, so the file's own first bytes decide; the header and the URL path are fallbacks.

export interface FileKind {
  ext: string;
  contentType: string;
}

/** How many leading bytes sniff() wants to see (shorter input is fine; it just recognises less). */
export const SNIFF_BYTES = 64;

const ascii = (head: Uint8Array, at: number, text: string): boolean => {
  if (head.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (head[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const bytes = (head: Uint8Array, at: number, ...want: number[]): boolean =>
  head.length >= at + want.length && want.every((b, i) => head[at + i] === b);

/** Where `text` occurs in head (ASCII), or -1. */
const indexOfAscii = (head: Uint8Array, text: string): number => {
  for (let i = 0; i + text.length <= head.length; i++) if (ascii(head, i, text)) return i;
  return -1;
};

/** ISO base media (MP4, MOV, HEIF, AVIF): size(4) 'ftyp' major-brand(4). */
function sniffFtyp(head: Uint8Array): FileKind | undefined {
  if (!ascii(head, 4, 'ftyp')) return undefined;
  const brand = head.length >= 12 ? String.fromCharCode(...head.subarray(8, 12)) : '';
  switch (brand) {
    case 'qt  ':
      return { ext: 'mov', contentType: 'video/quicktime' };
    case 'avif':
    case 'avis':
      return { ext: 'avif', contentType: 'image/avif' };
    case 'heic':
    case 'heix':
    case 'heim':
    case 'heis':
    case 'mif1':
    case 'msf1':
      return { ext: 'heic', contentType: 'image/heic' };
    case 'M4A ':
    case 'M4B ':
      return { ext: 'm4a', contentType: 'audio/mp4' };
    default:
      return { ext: 'mp4', contentType: 'video/mp4' };
  }
}

/** The file kind its first bytes show, or undefined when they match nothing known. */
export function sniff(head: Uint8Array): FileKind | undefined {
  if (bytes(head, 0, 0x89, 0x50, 0x4e, 0x47)) return { ext: 'png', contentType: 'image/png' };
  if (bytes(head, 0, 0xff, 0xd8, 0xff)) return { ext: 'jpg', contentType: 'image/jpeg' };
  if (ascii(head, 0, 'GIF8')) return { ext: 'gif', contentType: 'image/gif' };
  if (ascii(head, 0, 'RIFF')) {
    if (ascii(head, 8, 'WEBP')) return { ext: 'webp', contentType: 'image/webp' };
    if (ascii(head, 8, 'WAVE')) return { ext: 'wav', contentType: 'audio/wav' };
    if (ascii(head, 8, 'AVI ')) return { ext: 'avi', contentType: 'video/x-msvideo' };
    return undefined;
  }
  const ftyp = sniffFtyp(head);
  if (ftyp) return ftyp;
  if (bytes(head, 0, 0x1a, 0x45, 0xdf, 0xa3)) {
    // EBML: the DocType element near the start says "webm" or "matroska".
    return indexOfAscii(head, 'matroska') >= 0
      ? { ext: 'mkv', contentType: 'video/x-matroska' }
      : { ext: 'webm', contentType: 'video/webm' };
  }
  if (ascii(head, 0, 'glTF')) return { ext: 'glb', contentType: 'model/gltf-binary' };
  if (ascii(head, 0, 'ID3')) return { ext: 'mp3', contentType: 'audio/mpeg' };
  // MPEG-1/2 layer III frame sync without an ID3 tag (FF FB, FF F3, FF F2).
  if (bytes(head, 0, 0xff, 0xfb) || bytes(head, 0, 0xff, 0xf3) || bytes(head, 0, 0xff, 0xf2)) {
    return { ext: 'mp3', contentType: 'audio/mpeg' };
  }
  if (ascii(head, 0, 'fLaC')) return { ext: 'flac', contentType: 'audio/flac' };
  if (ascii(head, 0, 'OggS')) return { ext: 'ogg', contentType: 'audio/ogg' };
  return undefined;
}

// Content types worth naming a file by. Generic ones (application/octet-stream, binary/octet-stream,
// text/plain...) are deliberately absent: they say nothing.
const BY_TYPE: Record<string, string> = {
  'image/png': 'png',
  'image/apng': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/heif': 'heic',
  'image/svg+xml': 'svg',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/x-msvideo': 'avi',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/ogg': 'ogg',
  'model/gltf-binary': 'glb',
  'model/gltf+json': 'gltf',
  'model/obj': 'obj',
};

const BY_EXT: Record<string, string> = {};
for (const [type, ext] of Object.entries(BY_TYPE)) BY_EXT[ext] ??= type;
BY_EXT['jpeg'] = 'image/jpeg';
BY_EXT['mtl'] = 'model/mtl';

/** The bare, lower-case media type of a Content-Type header value (no parameters). */
export function mediaType(ct?: string): string | undefined {
  const t = ct?.split(';', 1)[0]?.trim().toLowerCase();
  return t ? t : undefined;
}

/** The extension a Content-Type names, or undefined for missing, generic or unknown types. */
export function extFromContentType(ct?: string): string | undefined {
  const t = mediaType(ct);
  return t === undefined ? undefined : BY_TYPE[t];
}

/** The content type usually meant by a (known) extension. */
export function contentTypeFromExt(ext: string): string | undefined {
  return BY_EXT[ext.toLowerCase()];
}

/**
 * The extension of the URL's last path segment, when it is a known media extension
 * (never arbitrary text: the result becomes part of a file name). Query and fragment are ignored.
 */
export function extFromUrl(url: string): string | undefined {
  let path: string;
  try {
    const u = new URL(url);
    if (u.protocol === 'data:') return undefined;
    path = u.pathname;
  } catch {
    return undefined;
  }
  const last = path.slice(path.lastIndexOf('/') + 1);
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = name.slice(dot + 1).toLowerCase();
  if (!(ext in BY_EXT)) return undefined;
  return ext === 'jpeg' ? 'jpg' : ext;
}

/**
 * Name a file: magic bytes first, then the Content-Type header, then the URL path, then `bin`.
 * The content type is the sniffed one, else the header's (bare media type), else the URL
 * extension's, else application/octet-stream.
 */
export function classify(head: Uint8Array, headerContentType?: string, url?: string): FileKind {
  const sniffed = sniff(head);
  if (sniffed) return sniffed;
  const headerType = mediaType(headerContentType);
  const urlExt = url === undefined ? undefined : extFromUrl(url);
  const ext = extFromContentType(headerType) ?? urlExt ?? 'bin';
  const contentType = headerType ?? (urlExt ? contentTypeFromExt(urlExt) : undefined) ?? 'application/octet-stream';
  return { ext, contentType };
}

/** Text-based 3D formats, the one kind of output that is legitimately text. */
const TEXT_MEDIA_EXT = new Set(['obj', 'mtl', 'gltf']);
/** Types that announce a document, never media, whatever the bytes. */
const DOCUMENT_TYPE = /^(text\/|application\/(json|xml|xhtml|javascript|problem)|image\/svg)|[+/](xml|json)$/;

/** The first bytes show text (printable ASCII, UTF-8 continuation bytes, tabs, newlines) and nothing binary. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  return head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x20);
}

/** The head, BOM and leading white space skipped, as ASCII (enough to see `<`, `{` or `[`). */
function leadingText(head: Uint8Array): string {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return String.fromCharCode(...head.subarray(i, i + 16));
}

/**
 * Why a downloaded body is not a generated output, or undefined when it may be one. The magic bytes
 * decide: a known media signature passes; markup (HTML, XML, SVG, with or without script), JSON and
 * plain text do not, except the text-based 3D formats named by their type or URL (obj, mtl, glTF JSON).
 * An error page served with 200 lands here; SVG is refused because it is an active document.
 */
export function notMedia(head: Uint8Array, kind: FileKind): string | undefined {
  if (sniff(head)) return undefined;
  if (head.length === 0) return 'the body is empty';
  const lead = leadingText(head);
  const type = kind.contentType.toLowerCase();
  if (lead.startsWith('<')) return `the body is markup (HTML, XML or SVG), served as ${type}`;
  if (TEXT_MEDIA_EXT.has(kind.ext) && !type.startsWith('text/html')) return undefined;
  if (lead.startsWith('{') || lead.startsWith('[')) return `the body is JSON, served as ${type}`;
  if (DOCUMENT_TYPE.test(type)) return `the body is a document (${type}), not media`;
  if (looksLikeText(head)) return `the body is text, served as ${type}`;
  return undefined;
}
