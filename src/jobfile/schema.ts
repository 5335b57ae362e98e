// The job file, described once. The TypeScript types, the validator, the JSON Schema
// published for editors (schema/atlas-media.schema.json) and the README's reference
// table all come from these definitions.
import { z } from 'zod';

export const MEDIA_TYPES = ['image', 'video'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const PRICE_UNITS = ['image', 'second'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export const ModelPrice = z
  .strictObject({
    unit: z.enum(PRICE_UNITS).describe('What one price is for: one output image, or one second of video.'),
    price: z.number().nonnegative().describe('USD per unit.'),
  })
  .describe('Price of one model, overriding the built-in table.');
export type ModelPrice = z.infer<typeof ModelPrice>;

/** Fields a job and `defaults:` share. */
const jobFields = {
  type: z
    .enum(MEDIA_TYPES)
    .describe('image or video. When omitted: video if the model id ends in …-to-video (text-to-video, image-to-video, …), else image. An explicit type wins over the model id.'),
  model: z
    .string()
    .min(1)
    .regex(/^\S+$/, 'a model id has no spaces')
    .describe('Atlas model id, e.g. black-forest-labs/flux-2-pro/text-to-image. Required on every job, or in defaults.'),
  prompt: z
    .string()
    .regex(/\S/, 'the prompt is blank')
    .describe('The prompt sent to the model. Required on every job, or in defaults.'),
  width: z.int().positive().describe('Image width in pixels (sent as-is).'),
  height: z.int().positive().describe('Image height in pixels (sent as-is).'),
  duration: z.number().positive().describe('Video length in seconds; also the unit count for per-second prices.'),
  resolution: z.string().min(1).describe('Video resolution such as 720p or 1080p (sent as-is).'),
  params: z
    .record(z.string(), z.unknown())
    .describe('Model parameters passed to the API untouched (size, aspect_ratio, num_images, image, seed, …). Must not repeat a key set by a named field (model, prompt, width, …).'),
  timeout: z
    .number()
    .positive()
    .max(86_400)
    .describe('Seconds this job may take from submit to completion before it is abandoned (default 600 for images, 1800 for videos; at most 86400).'),
} as const;

export const JobDefaults = z
  .strictObject({
    type: jobFields.type.optional(),
    model: jobFields.model.optional(),
    prompt: jobFields.prompt.optional(),
    width: jobFields.width.optional(),
    height: jobFields.height.optional(),
    duration: jobFields.duration.optional(),
    resolution: jobFields.resolution.optional(),
    params: jobFields.params.optional(),
    timeout: jobFields.timeout.optional(),
  })
  .describe('Any job key except name, merged into every job; a job’s own keys win, and `params` are merged key by key.');
export type JobDefaults = z.infer<typeof JobDefaults>;

export const JobSpec = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .describe('Unique name (at most 200 characters); also the output file name, made safe (lowercase ASCII letters, digits, - and _).'),
    type: jobFields.type.optional(),
    model: jobFields.model.optional(),
    prompt: jobFields.prompt.optional(),
    width: jobFields.width.optional(),
    height: jobFields.height.optional(),
    duration: jobFields.duration.optional(),
    resolution: jobFields.resolution.optional(),
    params: jobFields.params.optional(),
    timeout: jobFields.timeout.optional(),
  })
  .describe('One generation: a prompt for a model.');
export type JobSpec = z.infer<typeof JobSpec>;

export const JobFile = z
  .strictObject({
    output_dir: z.string().min(1).optional().describe('Where images/, videos/ and manifest.json go (default ./output). The action input output-dir wins.'),
    max_workers: z.int().min(1).max(256).optional().describe('Predictions in flight at Atlas at once (the action input concurrency wins; default 3).'),
    defaults: JobDefaults.optional(),
    pricing: z
      .record(z.string(), ModelPrice)
      .optional()
      .describe('Prices per model id, overriding the built-in table.'),
    jobs: z.array(JobSpec).min(1).describe('The generations to run, in order.'),
  })
  .describe('atlas-media-action job file');
export type JobFile = z.infer<typeof JobFile>;

/** JSON Schema for editors (yaml-language-server), generated from the same definitions. */
export function jobFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(JobFile, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $id: 'https://github.com/atlas-media-action/atlas-media-action/schema/atlas-media.schema.json',
    title: 'atlas-media-action job file',
    ...schema,
  };
}
