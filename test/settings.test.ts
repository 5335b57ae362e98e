import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../src/settings.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name];

describe('readSettings without an API key', () => {
  it('the CLI (default) refuses with an error naming the input', () => {
    expect(() => readSettings(inputs({}), {})).toThrow(SettingsError);
    expect(() => readSettings(inputs({}), {})).toThrow(/input api-key: no API key/);
  });

  it('the action makes a dry run and says why (a fork PR gets no secrets)', () => {
    const s = readSettings(inputs({}), {}, { noKey: 'dry-run' });
    expect(s.dryRun).toBe(true);
    expect(s.dryRunReason).toMatch(/^no API key \(secrets are not passed to pull requests from forks\)/);
  });

  it('a key, or dry-run asked for, sets no reason; the report step needs no key', () => {
    expect(readSettings(inputs({ 'api-key': 'k' }), {}, { noKey: 'dry-run' })).toMatchObject({ dryRun: false });
    expect(readSettings(inputs({}), { ATLASCLOUD_API_KEY: 'k' }, { noKey: 'dry-run' }).dryRunReason).toBeUndefined();
    expect(readSettings(inputs({ 'dry-run': 'true' }), {}, { noKey: 'dry-run' }).dryRunReason).toBeUndefined();
    expect(readSettings(inputs({ mode: 'report' }), {}, { noKey: 'dry-run' })).toMatchObject({
      dryRun: false,
      mode: 'report',
    });
  });
});
