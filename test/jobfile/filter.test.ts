import { describe, expect, it } from 'vitest';
import { filterJobs, parsePatterns } from '../../src/jobfile/filter.js';
import { parseJobFile } from '../../src/jobfile/load.js';
import { planJobs } from '../../src/plan/jobs.js';

const names = ['hero-banner', 'hero-square', 'teaser-clip', 'Teaser-Long', '#tagged', '.hidden', 'a [v2]'];
const jobs = planJobs(
  parseJobFile(`jobs:\n${names.map((n) => `  - {name: ${JSON.stringify(n)}, model: m, prompt: p}`).join('\n')}\n`, 'f')
    .jobFile,
);
const pick = (...patterns: string[]) => filterJobs(jobs, patterns).map((j) => j.name);

describe('filterJobs', () => {
  it('keeps every job when there are no patterns (blank lines ignored)', () => {
    expect(pick()).toEqual(names);
    expect(pick('', '  \n\n')).toEqual(names);
  });

  it('matches exact names and globs, case-sensitively, keeping file order', () => {
    expect(pick('teaser-clip')).toEqual(['teaser-clip']);
    expect(pick('hero-*')).toEqual(['hero-banner', 'hero-square']);
    expect(pick('teaser-*')).toEqual(['teaser-clip']);
    expect(pick('Teaser-*', 'hero-banner')).toEqual(['hero-banner', 'Teaser-Long']);
    expect(pick('{hero,teaser}-????')).toEqual(['teaser-clip']);
  });

  it('reads a multi-line input with surrounding whitespace', () => {
    expect(pick('  hero-square  \n\n  teaser-clip\r\n')).toEqual(['hero-square', 'teaser-clip']);
    expect(parsePatterns([' a \n', '', 'b\n c'])).toEqual(['a', 'b', 'c']);
  });

  it('treats # as part of a name (nocomment), and matches names with glob characters exactly', () => {
    expect(pick('#tagged')).toEqual(['#tagged']);
    expect(pick('a [v2]')).toEqual(['a [v2]']);
    expect(pick('*hidden')).toEqual(['.hidden']);
  });

  it('throws naming a pattern that matches nothing, with close names', () => {
    expect(() => pick('hero-banner', 'hero-baner')).toThrow('"hero-baner" matches no job (did you mean "hero-banner"');
    expect(() => pick('teaser-clip*x')).toThrow(/"teaser-clip\*x" matches no job \(did you mean "teaser-clip"/);
    expect(() => pick('zzz')).toThrow(/"zzz" matches no job; jobs are: "hero-banner"/);
  });
});
