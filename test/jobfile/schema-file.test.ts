import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderJobFileReference } from '../../scripts/jobfile-reference.js';
import { SCHEMA_PATH, renderJobFileSchema } from '../../scripts/write-schema.js';
import { JobDefaults, JobSpec } from '../../src/jobfile/schema.js';

describe('generated files', () => {
  it('schema/atlas-media.schema.json is up to date (run: npx tsx scripts/write-schema.ts)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(renderJobFileSchema());
  });

  it('the schema is strict and carries the descriptions', () => {
    const schema = JSON.parse(renderJobFileSchema()) as Record<string, any>;
    expect(schema['additionalProperties']).toBe(false);
    expect(schema['required']).toEqual(['jobs']);
    const job = schema['properties']['jobs']['items'];
    expect(job['required']).toEqual(['name']);
    expect(job['additionalProperties']).toBe(false);
    expect(job['properties']['name']['maxLength']).toBe(200);
    expect(job['properties']['model']['description']).toMatch(/Atlas model id/);
  });

  it('the README reference table lists every key with its description', () => {
    const table = renderJobFileReference();
    expect(table.startsWith('| Key | Type | Description |\n| --- | --- | --- |\n')).toBe(true);
    for (const key of Object.keys(JobSpec.shape)) {
      const row = table.split('\n').find((l) => l.startsWith(`| \`jobs[].${key}\` |`));
      expect(row, key).toBeDefined();
      const field = JobSpec.shape[key as keyof typeof JobSpec.shape] as z.ZodType;
      const description =
        field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType).description : field.description;
      expect(description, key).toBeTruthy();
      expect(row).toContain(description!.replace(/\|/g, '\\|'));
    }
    for (const key of [
      'output_dir',
      'max_workers',
      'defaults',
      'pricing',
      'jobs',
      'pricing.<model>.unit',
      'pricing.<model>.price',
    ]) {
      expect(table).toContain(`| \`${key}\` |`);
    }
    expect(table).toContain(JobDefaults.description);
    expect(renderJobFileReference()).toBe(table);
  });
});
