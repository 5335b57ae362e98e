// The README's job-file reference table, generated from the schema's descriptions
// (src/jobfile/schema.ts, through the JSON Schema zod makes of it), so the two cannot drift.
// The README holds it between <!-- jobfile-reference:start --> and <!-- jobfile-reference:end -->.
import { pathToFileURL } from 'node:url';
import { jobFileJsonSchema } from '../src/jobfile/schema.js';

type Json = Record<string, unknown>;

/** Keys whose children are not listed again (defaults: takes the job keys). */
const NO_CHILDREN = new Set(['defaults']);

export function renderJobFileReference(): string {
  const rows: string[][] = [];
  walk(jobFileJsonSchema(), '', rows);
  const lines = ['| Key | Type | Description |', '| --- | --- | --- |'];
  for (const [key, type, description] of rows)
    lines.push(`| \`${key}\` | ${cell(type ?? '')} | ${cell(description ?? '')} |`);
  return `${lines.join('\n')}\n`;
}

function walk(schema: Json, prefix: string, rows: string[][]): void {
  const props = (schema['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((schema['required'] ?? []) as string[]);
  for (const [key, prop] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${key}` : key;
    rows.push([
      path,
      typeOf(prop, keyName(path)) + (required.has(key) ? ', required' : ''),
      String(prop['description'] ?? ''),
    ]);
    if (NO_CHILDREN.has(path)) continue;
    const items = prop['items'] as Json | undefined;
    if (prop['type'] === 'array' && items?.['properties']) walk(items, `${path}[]`, rows);
    const values = prop['additionalProperties'] as Json | boolean | undefined;
    if (prop['type'] === 'object' && typeof values === 'object' && values['properties'])
      walk(values, `${path}.<${keyName(path).replace(/ id$/, '')}>`, rows);
    // A value that may also be a mapping of known keys (params: `{from: …}`): list those keys.
    const options = typeof values === 'object' && Array.isArray(values['anyOf']) ? (values['anyOf'] as Json[]) : [];
    for (const o of options) if (o['type'] === 'object' && o['properties']) walk(o, `${path}.<${keyName(path)}>`, rows);
    if (prop['type'] === 'object' && prop['properties']) walk(prop, path, rows);
  }
}

function keyName(path: string): string {
  return path === 'pricing' ? 'model id' : 'key';
}

function typeOf(s: Json, keyLabel: string): string {
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => `\`${String(v)}\``).join(' or ');
  // One of several shapes: "any value" when any value goes, else the shapes.
  if (Array.isArray(s['anyOf'])) {
    const types = (s['anyOf'] as Json[]).map((o) => (Object.keys(o).length ? typeOf(o, keyLabel) : 'any value'));
    return types.includes('any value') ? 'any value' : types.join(' or ');
  }
  const t = s['type'];
  const bounds: string[] = [];
  const max = s['maximum'];
  if (typeof s['minimum'] === 'number') bounds.push(`≥ ${s['minimum']}`);
  if (typeof s['exclusiveMinimum'] === 'number') bounds.push(`> ${s['exclusiveMinimum']}`);
  if (typeof max === 'number' && max < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${max}`);
  if (typeof s['maxLength'] === 'number') bounds.push(`at most ${s['maxLength']} characters`);
  if (typeof s['minItems'] === 'number') bounds.push(`at least ${s['minItems']}`);
  const b = bounds.length ? ` (${bounds.join(', ')})` : '';
  switch (t) {
    case 'string':
      return `string${b}`;
    case 'integer':
      return `integer${b}`;
    case 'number':
      return `number${b}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `list${b}`;
    case 'object': {
      if (s['properties']) return 'mapping';
      const values = s['additionalProperties'];
      return `mapping of ${keyLabel} → ${typeof values === 'object' && values !== null && Object.keys(values).length ? typeOf(values as Json, 'key') : 'any value'}`;
    }
    default:
      return 'any';
  }
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(renderJobFileReference());
}
