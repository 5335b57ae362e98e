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

export const Pricing = z
  .object({
    live: z
      .boolean()
      .optional()
      .describe(
        '`true`: read current prices from GET /models (no API key needed, also on dry runs). The list gives a price but not its unit, so the unit is taken from the model type (Image: per image, Video: per second) and the estimate says so. If the list cannot be read the run warns and uses the built-in table. Prices given here for a model still win over live ones.',
      ),
  })
  .catchall(ModelPrice)
  .describe(
    'Prices per model id (USD), overriding the built-in table, and `live: true` to use the current prices Atlas lists. Precedence: this table, then live prices, then the built-in table, then a guess of 0.05 per unit (said to be one).',
  );
export type Pricing = z.infer<typeof Pricing>;

/** A matrix key: a name used as `${key}` in the job's name, prompt, model, resolution and params. */
export const MATRIX_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Values per matrix key, and variations per job (`count`). */
export const MAX_MATRIX_VALUES = 100;
export const MAX_COUNT = 100;

export const MatrixValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'matrix values are text, numbers or true/false (one value per list item, no lists or mappings)',
});
export type MatrixValue = z.infer<typeof MatrixValue>;

const matrixField = z
  .record(
    z
      .string()
      .regex(MATRIX_KEY, 'a matrix key is a name of letters, digits and _ (not starting with a digit), used as ${key}'),
    z.array(MatrixValue).min(1).max(MAX_MATRIX_VALUES),
  )
  .describe(
    'Run this job once per combination of values, e.g. `{product: [mug, tee], style: [flat, photo]}` makes 4 jobs (first key slowest, values in list order). `${product}` in name, prompt, model, resolution and params (also inherited from defaults) is replaced by the value; a params value that is exactly `"${key}"` takes the value with its type (a number stays a number). The name must use every key that has more than one value, so each job gets its own name. A `${key}` that is not a matrix key is an error; write `$${` for a literal `${`.',
  );

const countField = z
  .int()
  .min(1)
  .max(MAX_COUNT)
  .describe(
    'Make this many variations of the job (per matrix combination), named `<name>-1` … `<name>-N` (`count: 1` keeps the name). If `params.seed` is a whole number S ≥ 0, variation i is sent with seed S+i-1; otherwise the requests are identical and the variations come from the model’s own randomness (no seed is added: not every model takes one). Each variation is its own paid generation.',
  );

/** A params value that takes another job's output (src/jobfile/chain.ts); any other mapping is sent as written. */
export const ChainRef = z
  .strictObject({
    from: z
      .string()
      .min(1)
      .describe(
        'Chained job: the name of another job (as expanded by matrix:/count:) whose output this parameter takes, e.g. `image: {from: "Product Hero"}`; `"Product Hero#2"` takes its second output (`#1`, or no suffix, the first). The job starts as soon as that output is downloaded; its URL is sent (uploaded again through POST /model/uploadMedia when it has no URL or comes from an earlier run). If that job does not succeed, this one is skipped (error_kind `dependency`). Unknown names, a job taking its own output and cycles are errors.',
      ),
  })
  .describe('Another job’s output as this parameter’s value.');

/** Fields a job and `defaults:` share. */
const jobFields = {
  type: z
    .enum(MEDIA_TYPES)
    .describe(
      'image or video. When omitted: video if the model id ends in …-to-video (text-to-video, image-to-video, …), else image. An explicit type wins over the model id.',
    ),
  model: z
    .string()
    .min(1)
    .regex(/^\S+$/, 'a model id has no spaces')
    .describe(
      'Atlas model id, e.g. black-forest-labs/flux-2-pro/text-to-image. Required on every job, or in defaults.',
    ),
  prompt: z
    .string()
    .regex(/\S/, 'the prompt is blank')
    .describe('The prompt sent to the model. Required on every job, or in defaults.'),
  width: z.int().positive().describe('Image width in pixels (sent as-is).'),
  height: z.int().positive().describe('Image height in pixels (sent as-is).'),
  duration: z.number().positive().describe('Video length in seconds; also the unit count for per-second prices.'),
  resolution: z.string().min(1).describe('Video resolution such as 720p or 1080p (sent as-is).'),
  params: z
    .record(z.string(), z.union([ChainRef, z.unknown()]))
    .describe(
      'Model parameters passed to the API as written, `${key}` matrix placeholders filled in (size, aspect_ratio, num_images, image, seed, …). Must not repeat a key set by a named field (model, prompt, width, …). A value `{from: "Product Hero"}` (at any depth) takes another job’s output instead (see `params.<key>.from`).',
    ),
  timeout: z
    .number()
    .positive()
    .max(86_400)
    .describe(
      'Seconds this job may take from submit to completion before it is abandoned (default 600 for images, 1800 for videos; at most 86400).',
    ),
} as const;

/** The fields a job and `defaults:` share, every one optional (model and prompt are checked after merging). */
const sharedFields = z.strictObject(jobFields).partial().shape;

export const JobDefaults = z
  .strictObject(sharedFields)
  .describe(
    'Any job key except name, merged into every job; a job’s own keys win, and `params` are merged key by key.',
  );
export type JobDefaults = z.infer<typeof JobDefaults>;

export const JobSpec = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .describe(
        'Unique name (at most 200 characters); also the output file name, made safe (lowercase ASCII letters, digits, - and _).',
      ),
    ...sharedFields,
    matrix: matrixField.optional(),
    count: countField.optional(),
  })
  .describe('One generation: a prompt for a model (or, with matrix: or count:, several).');
export type JobSpec = z.infer<typeof JobSpec>;

export const JobFile = z
  .strictObject({
    output_dir: z
      .string()
      .min(1)
      .optional()
      .describe('Where images/, videos/ and manifest.json go (default ./output). The action input output-dir wins.'),
    max_workers: z
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe('Predictions in flight at Atlas at once (the action input concurrency wins; default 3).'),
    defaults: JobDefaults.optional(),
    pricing: Pricing.optional(),
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
