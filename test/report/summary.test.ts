import { describe, expect, it } from 'vitest';
import { jobResult, manifest } from '../support/manifest-fixture.js';
import type { JobResult } from '../../src/manifest/schema.js';
import {
  SUMMARY_LIMIT_BYTES,
  SUMMARY_MAX_BYTES,
  escapeText,
  publicUrl,
  renderReportFile,
  renderSummary,
  scrubSecrets,
} from '../../src/report/summary.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Splits a Markdown table row on its unescaped pipes. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

function tableRows(doc: string, header: string): string[] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l);
  }
  return rows;
}

const PUBLIC = 'https://cdn.example.test/public/ok.png';
const SIGNED = [
  'https://cdn.example.test/out/a.png?sig=abc123secret',
  'https://bucket.s3.amazonaws.com/out/b.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=deadbeefcafe',
  'https://acct.blob.core.windows.net/c/d.png?sv=2023-11-03&se=2026-12-01&sp=r&sr=b&sig=azuresecret',
  'https://storage.googleapis.com/b/e.png?X-Goog-Signature=googsecret&X-Goog-Expires=900',
  'https://d111.cloudfront.net/f.png?Expires=1700000000&Signature=cfsecret&Key-Pair-Id=KPID',
];
const DATA_URI = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';

function hostileResults(): JobResult[] {
  const signedOutputs = SIGNED.map((url, i) => ({
    url,
    path: `images/signed-${i}.png`,
    bytes: 10,
    sha256: 'a'.repeat(64),
    content_type: 'image/png',
    error: null,
  }));
  return [
    jobResult({
      name: 'Public one',
      output_url: PUBLIC,
      outputs: [
        {
          url: PUBLIC,
          path: 'images/public.png',
          bytes: 10,
          sha256: 'a'.repeat(64),
          content_type: 'image/png',
          error: null,
        },
      ],
    }),
    jobResult({ name: 'Signed ones', output_url: SIGNED[0]!, outputs: signedOutputs }),
    jobResult({
      name: 'Inline data',
      output_url: DATA_URI,
      outputs: [
        {
          url: DATA_URI,
          path: 'images/inline.png',
          bytes: 10,
          sha256: 'a'.repeat(64),
          content_type: 'image/png',
          error: null,
        },
        {
          url: null,
          path: 'images/inline-2.png',
          bytes: 10,
          sha256: 'a'.repeat(64),
          content_type: 'image/png',
          error: null,
        },
      ],
      params: { prompt: `make it like ${DATA_URI} and ${SIGNED[1]}` },
    }),
    jobResult({
      name: 'Download failed',
      status: 'failed',
      error: `download failed: GET ${SIGNED[2]} answered 403; inline ${DATA_URI}`,
      error_kind: 'download',
      outputs: [
        {
          url: SIGNED[3]!,
          path: null,
          bytes: null,
          sha256: null,
          content_type: null,
          error: `HTTP 403 from ${SIGNED[4]}`,
        },
      ],
    }),
    jobResult({
      name: 'Plain http',
      output_url: 'http://cdn.example.test/x.png',
      outputs: [
        {
          url: 'http://cdn.example.test/x.png',
          path: 'images/http.png',
          bytes: 1,
          sha256: null,
          content_type: 'image/png',
          error: null,
        },
      ],
    }),
  ];
}

function assertNoSecrets(doc: string) {
  for (const s of [
    'abc123secret',
    'deadbeefcafe',
    'AKIAEXAMPLE',
    'azuresecret',
    'googsecret',
    'cfsecret',
    'KPID',
    'sig=',
    'X-Amz-Signature',
    'Signature=',
    'iVBORw0KGgo',
    'base64,',
  ]) {
    expect(doc, `must not contain ${s}`).not.toContain(s);
  }
  expect(doc).not.toMatch(/src="data:/i);
  expect(doc).not.toMatch(/href="data:/i);
}

describe('renderSummary on the fixture', () => {
  const m = manifest();
  const doc = renderSummary(m);

  it('has a headline with the counts, the total cost and the wall time', () => {
    const first = doc.split('\n')[0]!;
    expect(first).toMatch(/^## ❌ /);
    expect(first).toContain('2 succeeded, 1 failed, 0 unknown, 0 skipped, 0 cached');
    expect(first).toContain('cost $0.19');
    expect(first).toContain('estimated $0.23');
    expect(first).toContain('wall time 1 min 0 s');
  });

  it('says ✅ when nothing failed', () => {
    const ok = renderSummary(manifest(manifest().results.filter((r) => r.status === 'success')));
    expect(ok.split('\n')[0]).toMatch(/^## ✅ .*2 succeeded, 0 failed/);
  });

  it('has the cost-by-model table with the right numbers', () => {
    const rows = tableRows(doc, '| Model |').map(cells);
    expect(rows).toHaveLength(3);
    // Most expensive model first.
    expect(rows[0]).toEqual([
      '<code>bytedance/seedance-v1.5-pro/text-to-video</code>',
      '1',
      'second',
      '$0.04',
      '$0.11',
      '$0.11',
      'builtin',
    ]);
    expect(rows[1]).toEqual([
      '<code>black-forest-labs/flux-2-pro/text-to-image</code>',
      '2',
      'image',
      '$0.04',
      '$0.12',
      '$0.08',
      'builtin',
    ]);
    expect(rows[2]).toEqual(['**Total**', '3', '', '', '$0.23', '**$0.19**', '']);
  });

  it('flags guessed prices', () => {
    const g = manifest([jobResult({ name: 'x', model: 'someone/new-model', cost_source: 'guess' })]);
    const out = renderSummary(g);
    expect(out).toMatch(/⚠️ guess/);
    expect(out).toContain('no known price');
  });

  it('has one job row per job with status, cost, time and files', () => {
    const rows = tableRows(doc, '| Job |').map(cells);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toHaveLength(7);
    expect(rows[0]![0]).toContain('**Product Hero**');
    expect(rows[0]![3]).toBe('✅ success');
    expect(rows[0]![4]).toBe('$0.08');
    expect(rows[0]![5]).toBe('4.2 s');
    // Signed URLs: named, not linked, and said to be in the artifact.
    expect(rows[0]![6]).toContain('product-hero-1.png');
    expect(rows[0]![6]).toContain('product-hero-2.png');
    expect(rows[0]![6]).toContain('in the artifact');
    expect(rows[0]![6]).not.toContain('<a ');
    expect(rows[1]![5]).toBe('1 min 2 s');
    expect(rows[2]![3]).toBe('❌ failed');
    expect(rows[2]![4]).toBe('$0.00');
  });

  it('lists failures with their reason', () => {
    const section = doc.slice(doc.indexOf('### Failed jobs (1)'));
    expect(section).toContain('**Banner &lt;Broken&gt;**');
    expect(section).toContain('content policy violation');
  });

  it('escapes user strings (HTML and table pipes)', () => {
    expect(doc).not.toContain('<Broken>');
    expect(doc).toContain('Banner &lt;Broken&gt;');
    const m2 = manifest([
      jobResult({ name: 'a|b', error: null }),
      jobResult({
        name: '<script>alert(1)</script> **bold** [x](javascript:y) @octocat',
        status: 'failed',
        error: 'x|y <b>',
      }),
    ]);
    const out = renderSummary(m2);
    expect(out).not.toContain('a|b');
    expect(out).toContain('a&#124;b');
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('@octocat');
    expect(out).not.toContain('](javascript');
    for (const r of tableRows(out, '| Job |').map(cells)) expect(r).toHaveLength(7);
  });

  it('puts long prompts in <details>', () => {
    const long = 'A very long prompt. '.repeat(30);
    const out = renderSummary(
      manifest([jobResult({ params: { prompt: long } }), jobResult({ name: 'short', params: { prompt: 'tiny <b>' } })]),
    );
    expect(out).toMatch(/<details><summary>prompt \(\d+ characters\)<\/summary>A very long prompt/);
    expect(out).toContain('<sub>tiny &lt;b&gt;</sub>');
  });

  it('explains unknown jobs with their prediction id', () => {
    const out = renderSummary(
      manifest([
        jobResult({ name: 'Lost', status: 'unknown', prediction_id: 'pred-xyz', error: 'poll timed out', cost: 0 }),
      ]),
    );
    expect(out.split('\n')[0]).toContain('1 unknown');
    expect(out).toContain('### Jobs with an unknown outcome (1)');
    expect(out).toContain('pred-xyz');
    expect(out).toMatch(/may pay twice/);
  });

  it('says when the run stopped early', () => {
    const m3 = manifest();
    m3.run.stopped = 'budget';
    expect(renderSummary(m3)).toContain('The run stopped early: budget');
  });

  it('fits the default budget under 1 MiB', () => {
    expect(SUMMARY_MAX_BYTES).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(bytes(doc)).toBeLessThan(SUMMARY_MAX_BYTES);
  });
});

describe('URLs', () => {
  it('links public https URLs and shows thumbnails for them only', () => {
    const out = renderSummary(manifest(hostileResults()), {
      artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/2',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(out).toContain(`<a href="${PUBLIC}">public.png</a>`);
    const imgs = [...out.matchAll(/<img src="([^"]+)" width="160"/g)].map((x) => x[1]);
    expect(imgs).toEqual([PUBLIC]);
    expect(out).toContain('<a href="https://github.com/o/r/actions/runs/1/artifacts/2">in the artifact</a>');
    expect(out).toContain('<a href="https://github.com/o/r/actions/runs/1">workflow run</a>');
    // http is not linked either.
    expect(out).not.toContain('href="http://');
  });

  it('never prints a signed URL or a data: URI, in the summary or in report.md', () => {
    const m = manifest(hostileResults());
    assertNoSecrets(renderSummary(m));
    assertNoSecrets(renderReportFile(m));
    // The file names are still there.
    const out = renderSummary(m);
    for (let i = 0; i < SIGNED.length; i++) expect(out).toContain(`signed-${i}.png`);
    expect(out).toContain('inline.png');
  });

  it('publicUrl accepts plain https and refuses the rest', () => {
    expect(publicUrl(PUBLIC)).toBe(PUBLIC);
    expect(publicUrl('https://cdn.example.test/a.png?w=100&format=webp')).toBe(
      'https://cdn.example.test/a.png?w=100&format=webp',
    );
    for (const u of [
      ...SIGNED,
      DATA_URI,
      'http://cdn.example.test/a.png',
      'https://user:pw@cdn.example.test/a',
      'https://127.0.0.1/a.png',
      'https://localhost/a.png',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      expect(publicUrl(u), u).toBeUndefined();
    }
  });

  it('scrubSecrets cuts signed queries and data: URIs out of free text', () => {
    const t = scrubSecrets(`failed at ${SIGNED[1]} with ${DATA_URI}, see ${PUBLIC}`);
    expect(t).toContain('https://bucket.s3.amazonaws.com/out/b.png?[signed query removed]');
    expect(t).toContain('data:image/png…');
    expect(t).not.toContain('base64');
    expect(t).toContain(PUBLIC);
    expect(escapeText(t)).not.toContain('https://');
  });
});

function bigManifest(n: number) {
  const results: JobResult[] = [];
  for (let i = 0; i < n; i++) {
    const failed = i % 10 === 3;
    results.push(
      jobResult({
        name: `Job ${i} <${'x'.repeat(i % 40)}>`,
        status: failed ? 'failed' : i % 50 === 7 ? 'unknown' : 'success',
        error: failed ? `content policy violation on attempt ${i}: ${'details '.repeat(20)}` : null,
        error_kind: failed ? 'bad-request' : null,
        prediction_id: `pred-${i}`,
        output_url: `https://cdn.example.test/public/${i}.png`,
        outputs: [
          {
            url: `https://cdn.example.test/public/${i}.png`,
            path: `images/job-${i}.png`,
            bytes: 1000,
            sha256: 'a'.repeat(64),
            content_type: 'image/png',
            error: null,
          },
        ],
        params: { prompt: `Prompt number ${i}, `.repeat(i % 3 === 0 ? 20 : 1) },
      }),
    );
  }
  return manifest(results);
}

describe('a 20,000-job manifest', () => {
  const m = bigManifest(20_000);

  it('renders under 1 MiB with the shortening note, the cost table and the failures', () => {
    const out = renderSummary(m);
    expect(bytes(out)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(bytes(out)).toBeGreaterThan(SUMMARY_MAX_BYTES * 0.8);
    expect(out.split('\n')[0]).toContain('2000 failed');
    expect(out).toContain('### Cost by model');
    expect(out).toContain('### Failed jobs (2000)');
    expect(out).toContain('### Jobs with an unknown outcome');
    expect(out).toMatch(/… and \d+ more jobs: the full report is report\.md in the artifact/);
    const shown = tableRows(out, '| Job |');
    expect(shown.length).toBeGreaterThan(100);
    expect(shown.length).toBeLessThan(20_000);
    const k = Number(/… and (\d+) more jobs: the full/.exec(out)![1]);
    expect(shown.length + k).toBe(20_000);
    // The first rows, in order.
    expect(shown[0]).toContain('**Job 0 &lt;&gt;**');
  });

  it('respects a small budget and keeps the headline', () => {
    const out = renderSummary(m, { maxBytes: 20_000 });
    expect(bytes(out)).toBeLessThanOrEqual(20_000);
    expect(out).toMatch(/^## ❌ Atlas media: /);
    expect(out).toContain('### Failed jobs');
    expect(out).toMatch(/more failed jobs: the full report is report\.md in the artifact/);
  });

  it('renderReportFile keeps every row', () => {
    const out = renderReportFile(m);
    const rows = tableRows(out, '| Job |');
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toContain('Job 19999');
    expect(out).toContain('## Failed jobs (2000)');
    expect(out).not.toContain('more jobs');
    // report.md sits in the output directory: files link to their relative path.
    expect(rows[0]).toContain('<a href="images/job-0.png">images/job-0.png</a>');
  });
});
