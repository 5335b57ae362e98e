// npm run package: the two bundles users run, their source maps and the third-party notices.
//   dist/index.js        the action (action.yml `main`): turns source maps on, then loads dist/action/
//   dist/cli/index.js    the CLI, loaded by bin/atlas-media.js (which turns source maps on first)
//   dist/licenses.txt    every package bundled into any chunk of either bundle, with its license text
// Node reads a file's source map only if source maps were on when the file loaded, and action.yml
// cannot pass node flags: hence the small loader in front of the action's bundle.
// The notices come from the source maps, which list every module in every chunk (lazy ones too);
// ncc's --license missed packages that are only in lazy chunks.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
// The source-map VLQ codec (magic-string's and vitest's): decode gives absolute fields, encode takes them.
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const NCC = join(ROOT, 'node_modules', '.bin', 'ncc');

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  dir: string;
}

/** The package directory a bundled module's path lies in (the innermost node_modules/<name>). */
export function packageDirOf(modulePath: string): string | undefined {
  const parts = modulePath.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0 || i + 1 >= parts.length) return undefined;
  const scoped = parts[i + 1]!.startsWith('@');
  return parts.slice(0, i + (scoped ? 3 : 2)).join('/');
}

/**
 * ncc writes every source path as if the map sat one directory below the root (`.././src/main.ts`), whatever
 * the output directory. Rewritten relative to where each map is, so a stack trace names the real file.
 */
export function fixSourcePaths(dist = DIST): void {
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'))) {
    const path = join(dist, file);
    const map = JSON.parse(readFileSync(path, 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
      mappings: string;
    };
    map.sources = map.sources.map((s) =>
      s.startsWith('.././') ? relative(dirname(path), join(ROOT, s.slice('.././'.length))) : s,
    );
    // A stack trace needs only the mappings and the file names: without the sources' text each map is a
    // fraction of the size, and Node, which parses the maps when the bundle loads, holds ~70 MB less.
    delete map.sourcesContent;
    const js = path.slice(0, -'.map'.length);
    const latin1 = latin1Source(readFileSync(js, 'utf8'));
    writeFileSync(js, latin1.code);
    map.mappings = ownMappings(shiftColumns(map.mappings, latin1.edits), (i) => {
      return packageDirOf(map.sources[i] ?? '') !== undefined;
    });
    writeFileSync(path, JSON.stringify(map));
  }
}

/**
 * The mappings of the bundle's own code only. Node parses a bundle's whole map into memory the first
 * time it formats a stack (undici's socket errors do, in any long run): ~10 MB for the action, 92 % of
 * it for the bundled packages. Where a package's code starts, one segment without a source says "not
 * mapped", so its frames show the bundle's line instead of being pinned to the src/ line before them.
 */
export function ownMappings(mappings: string, isPackage: (sourceIndex: number) => boolean): string {
  let inPackage = false;
  const kept = decode(mappings).map((segs) =>
    segs.flatMap((seg): SourceMapSegment[] => {
      const ours = seg.length > 1 && !isPackage(seg[1]!);
      if (ours || seg.length === 1) {
        inPackage = false;
        return [seg];
      }
      if (inPackage) return [];
      inPackage = true;
      return [[seg[0]!]];
    }),
  );
  return encode(kept);
}

/** A character replaced by an escape: on line `line` (0-based) at column `column`, the text grew by `extra`. */
export interface Edit {
  line: number;
  column: number;
  extra: number;
}

const TEXT_TOKENS = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PrivateIdentifier,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
]);

/**
 * The bundle with every character above U+00FF written as an escape. V8 keeps a script's source for the
 * whole run, one byte per character only when all of them fit in Latin-1: ~1,800 characters (dashes and
 * arrows in comments, mostly) made the action's 3.7 MB main chunk take 7.4 MB. Each escape means what the
 * character meant where it stands: `\uXXXX` in a string, an untagged template, a regular expression (a
 * pair of escaped surrogates is one code point under the u flag) or an identifier (`\u{...}` there), and
 * just text in a comment. A tagged template (its raw text is visible) and white space outside a token
 * (U+2028 ends a comment line) keep the character as it is.
 */
export function latin1Source(code: string): { code: string; edits: Edit[] } {
  if (!/[\u0100-\uffff]/.test(code)) return { code, edits: [] };
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const tokens: Array<{ start: number; end: number; kind: ts.SyntaxKind; tagged: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (TEXT_TOKENS.has(node.kind))
      tokens.push({ start: node.getStart(file), end: node.end, kind: node.kind, tagged: isTagged(node) });
    ts.forEachChild(node, visit);
  };
  visit(file);
  tokens.sort((a, b) => a.start - b.start);
  const hex = (unit: number) => `\\u${unit.toString(16).padStart(4, '0')}`;
  const parts: string[] = [];
  const edits: Edit[] = [];
  let copied = 0;
  let t = 0;
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < code.length; i++) {
    const unit = code.charCodeAt(i);
    if (unit === 10) {
      line++;
      lineStart = i + 1;
    }
    if (unit <= 0xff) continue;
    const point = code.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    while (t < tokens.length && tokens[t]!.end <= i) t++;
    const token = tokens[t] && tokens[t]!.start <= i ? tokens[t]! : undefined;
    if (token?.tagged || (!token && /\s/u.test(String.fromCodePoint(point)))) {
      i += width - 1;
      continue;
    }
    const escape =
      token?.kind === ts.SyntaxKind.Identifier || token?.kind === ts.SyntaxKind.PrivateIdentifier
        ? point > 0xffff
          ? `\\u{${point.toString(16)}}`
          : hex(point)
        : hex(unit) + (width === 2 ? hex(code.charCodeAt(i + 1)) : '');
    // In a token, `\—` (an identity escape) becomes `\u2014`, not an escaped backslash before `u2014`.
    let backslashes = 0;
    while (token && code.charCodeAt(i - 1 - backslashes) === 92) backslashes++;
    const from = backslashes % 2 ? i - 1 : i;
    parts.push(code.slice(copied, from), escape);
    edits.push({ line, column: from - lineStart, extra: escape.length - (i + width - from) });
    copied = i + width;
    i += width - 1;
  }
  parts.push(code.slice(copied));
  return { code: parts.join(''), edits };
}

/** A template literal's text when a tag reads it (its raw form is visible to the tag). */
function isTagged(node: ts.Node): boolean {
  let p = node.parent;
  if (p && ts.isTemplateSpan(p)) p = p.parent;
  if (p && ts.isTemplateExpression(p)) p = p.parent;
  return !!p && ts.isTaggedTemplateExpression(p) && node.kind !== ts.SyntaxKind.Identifier;
}

/** The mappings with each generated column moved by the edits before it on its line. */
export function shiftColumns(mappings: string, edits: readonly Edit[]): string {
  if (!edits.length) return mappings;
  const lines = decode(mappings);
  let e = 0;
  for (let line = 0; line < lines.length; line++) {
    while (e < edits.length && edits[e]!.line < line) e++;
    const onLine: Edit[] = [];
    for (let k = e; k < edits.length && edits[k]!.line === line; k++) onLine.push(edits[k]!);
    if (!onLine.length) continue;
    for (const seg of lines[line]!) {
      const at = seg[0]!;
      seg[0] = at + onLine.reduce((sum, edit) => (edit.column < at ? sum + edit.extra : sum), 0);
    }
  }
  return encode(lines);
}

/** Every package some chunk of dist/ was built from, read from the chunks' source maps. */
export function bundledPackages(dist = DIST): BundledPackage[] {
  const found = new Map<string, BundledPackage>();
  const maps = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'));
  for (const file of maps) {
    const mapDir = dirname(join(dist, file));
    const { sources } = JSON.parse(readFileSync(join(dist, file), 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const pkgPath = packageDirOf(source);
      if (!pkgPath) continue;
      const dir = resolve(mapDir, pkgPath);
      if (found.has(dir)) continue;
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      found.set(dir, {
        name: String(pkg['name']),
        version: String(pkg['version']),
        license: typeof pkg['license'] === 'string' ? pkg['license'] : 'UNKNOWN',
        dir,
      });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The license text a package ships (LICENSE, LICENCE, COPYING, any case and extension). */
function licenseText(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)([._-].*)?$/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

/** The notices: one block per package (name@version, license, text); a package without a text says so. */
export function renderNotices(packages: readonly BundledPackage[]): string {
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const p of packages) {
    const key = `${p.name}@${p.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const text = licenseText(p.dir) ?? `(the package ships no license file; package.json states: ${p.license})`;
    blocks.push(`${key}\n${p.license}\n${text}`);
  }
  return `Third-party software bundled into dist/ (generated by scripts/package.ts).\n\n${blocks.join('\n\n')}\n`;
}

/**
 * The heap the action lets garbage take, above what is live, before a full collection (V8's default
 * adapts between 10 % and 300 %). Measured on the 10,000-job benchmark (bench/run.ts 10k).
 */
const HEAP_GROWING_PERCENT = 30;
const HEAP_GROWTH_WHY = [
  `A full GC once garbage reaches ${HEAP_GROWING_PERCENT} % of what is live. V8's default lets a busy run's heap`,
  'grow to ~4x its live set: the 10,000-job benchmark peaked at 230-290 MB of RSS without this, 185-195 MB',
  'with it. Not a cap: the limit follows the live set, so a bigger job file gets a bigger heap, and the',
  'marking done per byte allocated stays bounded.',
];

function ncc(entry: string, out: string): void {
  execFileSync(NCC, ['build', entry, '-o', out, '--source-map', '--no-source-map-register', '-q'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // --notices-only: redo the steps after the bundles (source paths, loader, notices) without rebuilding them.
  if (!process.argv.includes('--notices-only')) {
    rmSync(DIST, { recursive: true, force: true });
    ncc('src/index.ts', join(DIST, 'action'));
    ncc('src/cli-entry.ts', join(DIST, 'cli'));
    fixSourcePaths();
  }
  writeFileSync(join(DIST, 'package.json'), '{\n  "type": "module"\n}\n');
  writeFileSync(
    join(DIST, 'index.js'),
    '// Generated by scripts/package.ts. Source maps on before the bundle loads, so stack traces name src/ lines.\n' +
      "import { setFlagsFromString } from 'node:v8';\n" +
      'process.setSourceMapsEnabled(true);\n' +
      `// ${HEAP_GROWTH_WHY.join('\n// ')}\n` +
      `setFlagsFromString('--heap-growing-percent=${HEAP_GROWING_PERCENT}');\n` +
      "await import('./action/index.js');\n",
  );
  const packages = bundledPackages();
  writeFileSync(join(DIST, 'licenses.txt'), renderNotices(packages));
  if (!existsSync(join(DIST, 'action', 'index.js.map'))) throw new Error('no source map for the action');
  console.log(`dist/licenses.txt: ${packages.length} bundled packages`);
}
