// Secrets (the API key, the webhook secret) never reach anything the run writes: a prompt that
// carries the key, or an error message or output URL that echoes it, is redacted to `***` in the
// manifest, report, gallery, summary, comment, journal, webhooks and job logs. This is the one place
// secrets are scrubbed; every other module calls it.

/** Shorter strings are not treated as secrets: redacting every "abc" would mangle the manifest. */
const MIN_SECRET_CHARS = 4;

/** Each secret as it may appear in text: raw, URL-encoded, JSON-escaped. */
export function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s === undefined || s.length < MIN_SECRET_CHARS) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** A function that replaces every form of every secret in a text with `***`. */
export function secretRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  return redactorOf(secretForms(secrets));
}

function redactorOf(forms: readonly string[]): (text: string) => string {
  return (text) => forms.reduce((acc, k) => (acc.includes(k) ? acc.split(k).join('***') : acc), text);
}

export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  return secretRedactor(secrets)(text);
}

/** Whether a text carries any form of a secret. */
export function containsSecret(text: string, secrets: readonly (string | undefined)[]): boolean {
  return secretForms(secrets).some((k) => text.includes(k));
}

/**
 * A JSON-like value with every string (and object key) redacted. Copy-on-write: parts with nothing
 * to redact are returned as they are, so a 10,000-job manifest is not duplicated to find nothing.
 */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const forms = secretForms(secrets);
  if (forms.length === 0) return value;
  const text = redactorOf(forms);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((x, i) => {
        const y = walk(x);
        if (y !== x) (out ??= v.slice())[i] = y;
      });
      return out ?? v;
    }
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      let out: Record<string, unknown> | undefined;
      // Keys, not entries: entries would allocate a pair per property of every object walked.
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        const k2 = text(k);
        const y = walk(x);
        if (k2 !== k || y !== x) {
          out ??= { ...(v as Record<string, unknown>) };
          if (k2 !== k) delete out[k];
          out[k2] = y;
        }
      }
      return out ?? v;
    }
    return v;
  };
  return walk(value) as T;
}
