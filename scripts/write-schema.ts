// Writes schema/atlas-media.schema.json from the zod schema (src/jobfile/schema.ts).
// Run: npx tsx scripts/write-schema.ts   (a test checks the committed file is current)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jobFileJsonSchema } from '../src/jobfile/schema.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema/atlas-media.schema.json', import.meta.url));

/** The file's exact text: two-space JSON with a final newline. Same input, same bytes. */
export function renderJobFileSchema(): string {
  return `${JSON.stringify(jobFileJsonSchema(), null, 2)}\n`;
}

export function writeJobFileSchema(path = SCHEMA_PATH): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderJobFileSchema());
  return path;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = writeJobFileSchema();
  process.stdout.write(`wrote ${path}\n`);
}
