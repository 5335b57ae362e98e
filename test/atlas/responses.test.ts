import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtlasError, classifyHttp } from '../../src/atlas/errors.js';
import {
  checkBodyCode,
  errorMessage,
  parseModels,
  parsePrediction,
  parseRetryAfter,
  parseSubmitReply,
  parseUploadReply,
} from '../../src/atlas/responses.js';

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof AtlasError) return e.kind;
    throw e;
  }
}

describe('parseSubmitReply', () => {
  it('reads the id wherever a dialect puts it', () => {
    expect(
      parseSubmitReply({ code: 200, message: '', data: { id: 'a', status: 'processing', outputs: null } }),
    ).toEqual({ id: 'a' });
    expect(parseSubmitReply({ id: 'b', status: 'starting' })).toEqual({ id: 'b' });
    expect(parseSubmitReply({ code: 200, data: { request_id: 'c' } })).toEqual({ id: 'c' });
    expect(parseSubmitReply({ request_id: 'd' })).toEqual({ id: 'd' });
    expect(parseSubmitReply({ prediction_id: 'e' })).toEqual({ id: 'e' });
    expect(parseSubmitReply({ code: '200', data: { predictionId: 'f' } })).toEqual({ id: 'f' });
    expect(parseSubmitReply({ code: 200, id: 'g', data: { status: 'queued' } })).toEqual({ id: 'g' });
    expect(parseSubmitReply({ code: 200, data: { id: 42 } })).toEqual({ id: '42' });
  });

  it('prefers data.id over an envelope id', () => {
    expect(parseSubmitReply({ id: 'outer', data: { id: 'inner' } }).id).toBe('inner');
  });

  it('returns the prediction when a sync-mode reply already carries outputs', () => {
    const r = parseSubmitReply({ code: 200, data: { id: 's', status: 'completed', outputs: ['https://x/1.png'] } });
    expect(r.prediction).toMatchObject({ id: 's', state: 'completed', outputs: ['https://x/1.png'] });
    const f = parseSubmitReply({ code: 200, data: { id: 't', status: 'failed', error: 'nsfw' } });
    expect(f.prediction).toMatchObject({ state: 'failed', error: 'nsfw' });
  });

  it('treats a body code other than 200 as an error of its class', () => {
    expect(kindOf(() => parseSubmitReply({ code: 402, msg: 'pay up' }))).toBe('credit');
    expect(kindOf(() => parseSubmitReply({ code: 400, msg: 'Insufficient balance' }))).toBe('credit');
    expect(kindOf(() => parseSubmitReply({ code: '401', message: 'bad key' }))).toBe('auth');
    expect(kindOf(() => parseSubmitReply({ code: 422, message: 'bad size' }))).toBe('bad-request');
    expect(kindOf(() => parseSubmitReply({ code: 500, message: 'oops', data: { id: 'x' } }))).toBe('server');
    expect(kindOf(() => parseSubmitReply({ code: 429 }))).toBe('rate-limited');
    expect(kindOf(() => parseSubmitReply({ code: 'INVALID_MODEL', msg: 'no such model' }))).toBe('bad-request');
    const e = (() => {
      try {
        parseSubmitReply({ code: 402, msg: 'insufficient balance' });
      } catch (err) {
        return err as AtlasError;
      }
    })();
    expect(e?.status).toBe(402);
    expect(e?.message).toContain('insufficient balance');
  });

  it('is a protocol error without an id or an object', () => {
    expect(kindOf(() => parseSubmitReply({ code: 200, data: { status: 'processing' } }))).toBe('protocol');
    expect(kindOf(() => parseSubmitReply('hello'))).toBe('protocol');
    expect(kindOf(() => parseSubmitReply(null))).toBe('protocol');
    expect(kindOf(() => parseSubmitReply([{ id: 'a' }]))).toBe('protocol');
    expect(kindOf(() => parseSubmitReply({ id: '   ' }))).toBe('protocol');
  });
});

describe('parsePrediction', () => {
  const env = (data: Record<string, unknown>) => ({ code: 200, data });

  it('maps every status word of the table', () => {
    for (const w of ['completed', 'succeeded', 'success', 'SUCCEEDED']) {
      expect(parsePrediction(env({ status: w, outputs: ['u'] }), 'p').state).toBe('completed');
    }
    for (const w of ['failed', 'error', 'canceled', 'cancelled']) {
      const p = parsePrediction(env({ status: w, error: 'why' }), 'p');
      expect(p.state).toBe('failed');
      expect(p.error).toBe('why');
      expect(p.rawStatus).toBe(w);
    }
    for (const w of ['created', 'pending', 'starting', 'queued', 'processing', 'running']) {
      expect(parsePrediction(env({ status: w, outputs: null }), 'p').state).toBe('pending');
    }
    const missing = parsePrediction(env({ outputs: null }), 'p');
    expect(missing).toMatchObject({ state: 'pending', rawStatus: '' });
  });

  it('reads outputs in every shape', () => {
    const read = (data: Record<string, unknown>) => parsePrediction(env({ status: 'completed', ...data }), 'p').outputs;
    expect(read({ outputs: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(read({ outputs: 'a' })).toEqual(['a']);
    expect(read({ output: 'a' })).toEqual(['a']);
    expect(read({ output: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(read({ outputs: [{ url: 'a' }, { download_url: 'b' }, { uri: 'c' }] })).toEqual(['a', 'b', 'c']);
    expect(read({ outputs: { url: 'a' } })).toEqual(['a']);
    expect(read({ outputs: ['data:image/png;base64,iVBORw0KGgo='] })).toEqual(['data:image/png;base64,iVBORw0KGgo=']);
    expect(read({ outputs: [null, 3, 'a', {}] })).toEqual(['a']);
  });

  it('treats completed with no outputs as a failure with a clear reason', () => {
    for (const outputs of [null, [], [''], [{}]]) {
      const p = parsePrediction(env({ status: 'completed', outputs }), 'p');
      expect(p.state).toBe('failed');
      expect(p.error).toMatch(/no outputs/);
    }
  });

  it('gives a reason for a failure without one', () => {
    const p = parsePrediction(env({ status: 'failed', error: null }), 'p');
    expect(p.error).toMatch(/failed/);
    expect(parsePrediction(env({ status: 'error', error: { message: 'boom' } }), 'p').error).toBe('boom');
  });

  it('finishes a missing-status reply that already has outputs or an error', () => {
    expect(parsePrediction({ id: 'p', outputs: ['u'] }, 'p').state).toBe('completed');
    expect(parsePrediction({ id: 'p', error: 'bad' }, 'p')).toMatchObject({ state: 'failed', error: 'bad' });
    expect(parsePrediction({ id: 'p', status: 'weird-word' }, 'p').state).toBe('pending');
  });

  it('reads metrics and timestamps', () => {
    const p = parsePrediction(
      env({
        id: 'z',
        status: 'succeeded',
        outputs: ['u'],
        metrics: { predict_time: 45.2 },
        created_at: '2025-01-01T00:00:00Z',
        completed_at: '2025-01-01T00:00:45Z',
      }),
      'fallback',
    );
    expect(p).toEqual({
      id: 'z',
      state: 'completed',
      rawStatus: 'succeeded',
      outputs: ['u'],
      predictTime: 45.2,
      createdAt: '2025-01-01T00:00:00Z',
      completedAt: '2025-01-01T00:00:45Z',
    });
    expect(parsePrediction(env({ status: 'running' }), 'fallback').id).toBe('fallback');
  });

  it('reads the bare dialect', () => {
    expect(parsePrediction({ id: 'b', status: 'success', output: { url: 'u' } }, 'b')).toMatchObject({
      state: 'completed',
      outputs: ['u'],
    });
  });

  it('throws by body code', () => {
    expect(kindOf(() => parsePrediction({ code: 404, msg: 'not found' }, 'p'))).toBe('not-found');
    expect(kindOf(() => parsePrediction({ code: '500', msg: 'x' }, 'p'))).toBe('server');
    expect(kindOf(() => parsePrediction('<html>', 'p'))).toBe('protocol');
  });
});

describe('errorMessage', () => {
  it('finds the message wherever it is', () => {
    expect(errorMessage({ msg: 'a' })).toBe('a');
    expect(errorMessage({ message: '', msg: 'b' })).toBe('b');
    expect(errorMessage({ code: 400, message: 'c' })).toBe('c');
    expect(errorMessage({ error: { message: 'd' } })).toBe('d');
    expect(errorMessage({ error: 'e' })).toBe('e');
    expect(errorMessage('{"message":"f"}')).toBe('f');
    expect(errorMessage('{"error":{"message":"g"}}')).toBe('g');
    expect(errorMessage({})).toBe('');
  });

  it('gives a trimmed snippet of a non-JSON body', () => {
    expect(errorMessage('  upstream timed out \n')).toBe('upstream timed out');
    expect(errorMessage('<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>')).toBe(
      '502 Bad Gateway 502',
    );
    const long = errorMessage('x'.repeat(5000));
    expect(long.length).toBeLessThanOrEqual(201);
    expect(errorMessage('{broken')).toBe('{broken');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['7'], now)).toBe(7000);
  });
  it('ignores what it cannot read', () => {
    for (const v of [undefined, null, '', 'soon', '-5', '1e3', 'NaN', '12abc'])
      expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('parseUploadReply / parseModels', () => {
  it('reads every upload shape', () => {
    expect(
      parseUploadReply({ code: 200, data: { type: 'image', download_url: 'https://d', filename: 'a', size: 1 } }),
    ).toBe('https://d');
    expect(parseUploadReply({ url: 'https://u' })).toBe('https://u');
    expect(parseUploadReply({ code: 200, data: { url: 'https://v' } })).toBe('https://v');
    expect(kindOf(() => parseUploadReply({ code: 200, data: {} }))).toBe('protocol');
  });
  it('reads the model list with string or number code and string prices', () => {
    const list = {
      code: '200',
      data: [
        { model: 'a/b', type: 'Image', displayName: 'AB', price: { actual: { base_price: '0.04' }, origin: {} } },
        { model: 'c/d', type: 'Video', price: { actual: { base_price: 0.5 } } },
        { model: 'e', type: 'Text', price: { actual: { base_price: 'free' } } },
        { type: 'Image' },
        'junk',
      ],
    };
    expect(parseModels(list)).toEqual([
      { model: 'a/b', type: 'Image', displayName: 'AB', basePrice: 0.04 },
      { model: 'c/d', type: 'Video', basePrice: 0.5 },
      { model: 'e', type: 'Text' },
    ]);
    expect(parseModels({ code: 200, data: [] })).toEqual([]);
    expect(kindOf(() => parseModels({ code: 500, msg: 'x' }))).toBe('server');
  });
});

describe('classifyHttp', () => {
  it('maps statuses and messages', () => {
    expect(classifyHttp(401, '')).toBe('auth');
    expect(classifyHttp(403, 'insufficient permissions')).toBe('auth');
    expect(classifyHttp(402, '')).toBe('credit');
    expect(classifyHttp(400, 'Insufficient balance')).toBe('credit');
    expect(classifyHttp(500, 'account balance is zero')).toBe('credit');
    expect(classifyHttp(503, 'insufficient capacity')).toBe('server');
    expect(classifyHttp(429, 'credit limit per minute')).toBe('rate-limited');
    expect(classifyHttp(400, '')).toBe('bad-request');
    expect(classifyHttp(422, '')).toBe('bad-request');
    expect(classifyHttp(404, '')).toBe('not-found');
    expect(classifyHttp(429, '')).toBe('rate-limited');
    expect(classifyHttp(502, '')).toBe('server');
    expect(classifyHttp(302, '')).toBe('protocol');
  });
});

describe('properties: no input makes the readers throw anything but an AtlasError', () => {
  const anyInput = fc.oneof(
    fc.jsonValue(),
    fc.string(),
    fc.anything(),
    fc.json().map((s) => JSON.parse(s) as unknown),
  );
  // Replies shaped like the API's, so the interesting branches are reached, not only "not an object".
  const item = fc.oneof(fc.string(), fc.record({ url: fc.jsonValue() }, { requiredKeys: [] }), fc.jsonValue());
  const replyLike = fc.record(
    {
      code: fc.oneof(fc.constant(200), fc.constant('200'), fc.integer(), fc.string(), fc.jsonValue()),
      msg: fc.jsonValue(),
      id: fc.jsonValue(),
      request_id: fc.oneof(fc.string(), fc.integer()),
      data: fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            id: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
            status: fc.oneof(
              fc.constantFrom('completed', 'failed', 'queued', 'succeeded', 'error'),
              fc.string(),
              fc.jsonValue(),
            ),
            outputs: fc.oneof(item, fc.array(item)),
            output: fc.oneof(item, fc.array(item)),
            error: fc.jsonValue(),
            metrics: fc.oneof(fc.record({ predict_time: fc.jsonValue() }), fc.jsonValue()),
            created_at: fc.jsonValue(),
            download_url: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  );
  const input = fc.oneof(anyInput, replyLike);

  const onlyAtlas = (fn: () => unknown, allowKinds?: (v: unknown) => boolean) => (v: unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(AtlasError);
      const a = e as AtlasError;
      expect(a.message.length).toBeGreaterThan(0);
      if (allowKinds?.(v) !== false) return;
      expect(a.kind).toBe('protocol');
    }
  };
  // A reply with no `code` field can only be unreadable ('protocol'); a body code may say credit, auth, …
  const hasCode = (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && 'code' in v && (v as { code?: unknown }).code != null;

  it('parseSubmitReply', () => {
    fc.assert(
      fc.property(input, (v) => onlyAtlas(() => parseSubmitReply(v), hasCode)(v)),
      { numRuns: 2000 },
    );
  });
  it('parsePrediction', () => {
    fc.assert(
      fc.property(input, fc.string(), (v, id) => {
        let p: ReturnType<typeof parsePrediction> | undefined;
        onlyAtlas(() => (p = parsePrediction(v, id)), hasCode)(v);
        if (p) {
          expect(['pending', 'completed', 'failed']).toContain(p.state);
          expect(p.outputs.every((o) => typeof o === 'string' && o.length > 0)).toBe(true);
          if (p.state === 'completed') expect(p.outputs.length).toBeGreaterThan(0);
          if (p.state === 'failed') expect(typeof p.error).toBe('string');
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('parseUploadReply, parseModels, checkBodyCode', () => {
    fc.assert(
      fc.property(input, (v) => {
        onlyAtlas(() => parseUploadReply(v), hasCode)(v);
        onlyAtlas(() => parseModels(v), hasCode)(v);
        onlyAtlas(
          () => checkBodyCode(v, 'x'),
          () => true,
        )(v);
      }),
      { numRuns: 1000 },
    );
  });
  it('errorMessage and parseRetryAfter never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue(), fc.anything(), fc.json()), (v) => {
        const m = errorMessage(v);
        expect(typeof m).toBe('string');
        expect(m.length).toBeLessThanOrEqual(201);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('Wed, 21 Oct 2015 07:28:00 GMT', '120', '0')),
        fc.integer({ min: 0, max: 4e12 }),
        (h, now) => {
          const r = parseRetryAfter(h, now);
          if (r !== undefined) {
            expect(Number.isFinite(r)).toBe(true);
            expect(r).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
