// A realistic manifest for report tests: one image with two outputs, one video, one failure.
import type { JobResult, Manifest } from '../../src/manifest/schema.js';

export function jobResult(overrides: Partial<JobResult> = {}): JobResult {
  return {
    name: 'Product Hero',
    model: 'black-forest-labs/flux-2-pro/text-to-image',
    type: 'image',
    status: 'success',
    output_url: 'https://cdn.example.test/out/hero-1?sig=abc',
    local_path: 'images/product-hero.png',
    cost: 0.04,
    generation_time: 4.2,
    error: null,
    error_kind: null,
    prediction_id: 'pred-1',
    outputs: [
      {
        url: 'https://cdn.example.test/out/hero-1?sig=abc',
        path: 'images/product-hero.png',
        bytes: 1234,
        sha256: 'a'.repeat(64),
        content_type: 'image/png',
        error: null,
      },
    ],
    estimated_cost: 0.04,
    cost_source: 'builtin',
    attempts: { submits: 1, polls: 2 },
    params: {
      model: 'black-forest-labs/flux-2-pro/text-to-image',
      prompt: 'A bottle on marble, soft light',
      width: 1024,
      height: 1024,
    },
    identity: 'f'.repeat(64),
    timings: {
      queued_at: '2026-11-23T10:00:00.000Z',
      submitted_at: '2026-11-23T10:00:00.100Z',
      completed_at: '2026-11-23T10:00:04.300Z',
      downloaded_at: '2026-11-23T10:00:04.500Z',
    },
    ...overrides,
  };
}

export function manifest(results: JobResult[] = defaultResults()): Manifest {
  const ok = results.filter((r) => r.status === 'success' || r.status === 'cached');
  const total = results.reduce((s, r) => s + r.cost, 0);
  const byModel: Manifest['cost_by_model'] = {};
  for (const r of results) {
    const m = (byModel[r.model] ??= {
      jobs: 0,
      cost: 0,
      estimated_cost: 0,
      unit: r.type === 'video' ? 'second' : 'image',
      price: 0.04,
      source: r.cost_source,
    });
    m.jobs += 1;
    m.cost += r.cost;
    m.estimated_cost += r.estimated_cost;
  }
  return {
    generated_at: '2026-11-23T10:01:00.000Z',
    total_cost: total,
    total_jobs: results.length,
    successful: ok.length,
    failed: results.filter((r) => r.status === 'failed').length,
    results,
    schema_version: 1,
    tool: 'atlas-media-action 0.1.0',
    config: '.github/atlas-media.yml',
    estimated_total_cost: results.reduce((s, r) => s + r.estimated_cost, 0),
    unknown: results.filter((r) => r.status === 'unknown').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    cached: results.filter((r) => r.status === 'cached').length,
    cost_by_model: byModel,
    run: {
      started_at: '2026-11-23T10:00:00.000Z',
      finished_at: '2026-11-23T10:01:00.000Z',
      wall_seconds: 60,
      concurrency: 3,
      stopped: null,
    },
  };
}

export function defaultResults(): JobResult[] {
  return [
    jobResult({
      name: 'Product Hero',
      outputs: [
        {
          url: 'https://cdn.example.test/out/hero-1?sig=abc',
          path: 'images/product-hero-1.png',
          bytes: 1234,
          sha256: 'a'.repeat(64),
          content_type: 'image/png',
          error: null,
        },
        {
          url: 'https://cdn.example.test/out/hero-2?sig=abc',
          path: 'images/product-hero-2.png',
          bytes: 1300,
          sha256: 'b'.repeat(64),
          content_type: 'image/png',
          error: null,
        },
      ],
      local_path: 'images/product-hero-1.png',
      cost: 0.08,
      estimated_cost: 0.08,
    }),
    jobResult({
      name: 'Launch Teaser',
      model: 'bytedance/seedance-v1.5-pro/text-to-video',
      type: 'video',
      output_url: 'https://cdn.example.test/out/teaser?sig=x',
      local_path: 'videos/launch-teaser.mp4',
      cost: 0.11,
      estimated_cost: 0.11,
      generation_time: 61.5,
      prediction_id: 'pred-2',
      outputs: [
        {
          url: 'https://cdn.example.test/out/teaser?sig=x',
          path: 'videos/launch-teaser.mp4',
          bytes: 50_000,
          sha256: 'c'.repeat(64),
          content_type: 'video/mp4',
          error: null,
        },
      ],
      params: {
        model: 'bytedance/seedance-v1.5-pro/text-to-video',
        prompt: 'A slow dolly shot of the bottle',
        duration: 5,
        resolution: '720p',
      },
    }),
    jobResult({
      name: 'Banner <Broken>',
      status: 'failed',
      output_url: null,
      local_path: null,
      cost: 0,
      error: 'content policy violation',
      error_kind: 'generation',
      prediction_id: 'pred-3',
      outputs: [],
    }),
  ];
}
