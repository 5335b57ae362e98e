// Chained jobs: a parameter value `{from: "Product Hero"}` (or `{from: "Product Hero#2"}`, its
// second output) takes another job's output as an input. Pure helpers shared by the validator
// (load.ts), the planner (src/plan/jobs.ts) and the engine: finding the references in a body, reading
// them, and ordering jobs so each comes after the jobs it takes outputs from.

/** The key of a reference: a mapping whose only key is `from`. */
export const CHAIN_KEY = 'from';

/** One input a job takes from another job's output. */
export interface ChainInput {
  /** Where in the request body, e.g. ['image'] or ['images', 1]. */
  path: Array<string | number>;
  /** The (expanded) name of the job whose output this is. */
  job: string;
  /** 1-based output of that job. */
  output: number;
}

/** Whether a value is a reference: a plain mapping whose only key is `from`. Any other mapping is passed through untouched. */
export function isChainRef(v: unknown): v is { from: unknown } {
  return isPlainObject(v) && Object.keys(v).length === 1 && Object.hasOwn(v, CHAIN_KEY);
}

/** Every reference in a value (a body or a params mapping), at any depth, with its path. */
export function findChainRefs(
  value: unknown,
  path: Array<string | number> = [],
  depth = 0,
): Array<{ path: Array<string | number>; from: unknown }> {
  if (depth > 64) return [];
  if (isChainRef(value)) return [{ path, from: value.from }];
  if (Array.isArray(value)) return value.flatMap((v, i) => findChainRefs(v, [...path, i], depth + 1));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => findChainRefs(v, [...path, k], depth + 1));
  return [];
}

/** A copy of the value with every reference replaced by fn(reference's `from`, its path). Other values are shared, not copied. */
export function mapChainRefs<T>(
  value: T,
  fn: (from: unknown, path: Array<string | number>) => unknown,
  path: Array<string | number> = [],
  depth = 0,
): T {
  if (depth > 64) return value;
  if (isChainRef(value)) return fn(value.from, path) as T;
  if (Array.isArray(value)) return value.map((v, i) => mapChainRefs(v, fn, [...path, i], depth + 1)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: mapChainRefs(v, fn, [...path, k], depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
}

/** A copy of a body with the value at `path` replaced. */
export function setAtPath(
  body: Record<string, unknown>,
  path: ReadonlyArray<string | number>,
  value: unknown,
): Record<string, unknown> {
  const put = (node: unknown, i: number): unknown => {
    if (i === path.length) return value;
    const seg = path[i]!;
    if (Array.isArray(node)) return node.map((v, j) => (j === seg ? put(v, i + 1) : v));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      Object.defineProperty(out, k, {
        value: k === String(seg) ? put(v, i + 1) : v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return put(body, 0) as Record<string, unknown>;
}

export type ChainParse =
  | { kind: 'ok'; job: string; output: number }
  /** No job of that name (`job` is the name looked for). */
  | { kind: 'unknown'; job: string }
  /** The job exists but the `#…` suffix is not an output number ≥ 1. */
  | { kind: 'bad-output'; job: string; suffix: string };

/**
 * Read `"Product Hero"` / `"Product Hero#2"`. A text that is itself a job name is that job's first
 * output (a name may hold a `#`); otherwise what follows the last `#` is the 1-based output number.
 * Spaces around the name before `#` are ignored (`"Product Hero #2"`).
 */
export function parseChainRef(text: string, known: (name: string) => boolean): ChainParse {
  if (known(text)) return { kind: 'ok', job: text, output: 1 };
  const hash = text.lastIndexOf('#');
  if (hash < 0) return { kind: 'unknown', job: text };
  const written = text.slice(0, hash);
  const job = known(written) ? written : written.trim();
  const suffix = text.slice(hash + 1);
  if (!known(job)) return { kind: 'unknown', job: /^\d+$/.test(suffix) ? job : text };
  const n = /^\d+$/.test(suffix) ? Number(suffix) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) return { kind: 'bad-output', job, suffix };
  return { kind: 'ok', job, output: n };
}

/**
 * The cycles of a graph given as edges per node (node order: the order to search in), each as the
 * list of nodes around it, first node repeated at the end: ['a', 'b', 'a']. Each back edge found by a
 * depth-first search gives one cycle, so every graph with a cycle gets at least one. Self-loops are
 * not reported (the validator says so on its own). Iterative: a chain of 10 000 jobs is fine.
 */
export function findCycles(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  const cycles: string[][] = [];
  for (const root of nodes) {
    if (state.has(root)) continue;
    const stack: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const out = edges.get(top.node) ?? [];
      if (top.next >= out.length) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const to = out[top.next++]!;
      if (to === top.node) continue;
      const s = state.get(to);
      if (s === undefined) {
        state.set(to, 1);
        stack.push({ node: to, next: 0 });
      } else if (s === 1) {
        const from = stack.findIndex((f) => f.node === to);
        cycles.push([...stack.slice(from).map((f) => f.node), to]);
      }
    }
  }
  return cycles;
}

/**
 * An order of 0..n-1 in which every job comes after its dependencies (`deps[i]`: indexes job i
 * takes outputs from), otherwise in file order. Throws on a cycle (the validator reports them first).
 */
export function topologicalOrder(deps: ReadonlyArray<readonly number[]>): number[] {
  const order: number[] = [];
  const state = new Uint8Array(deps.length); // 0 new, 1 on the stack, 2 done
  for (let root = 0; root < deps.length; root++) {
    if (state[root]) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const out = deps[top.node]!;
      if (top.next >= out.length) {
        state[top.node] = 2;
        order.push(top.node);
        stack.pop();
        continue;
      }
      const d = out[top.next++]!;
      if (state[d] === 1) throw new Error("the jobs' inputs form a cycle (validate the file with parseJobFile first)");
      if (state[d] === 0) {
        state[d] = 1;
        stack.push({ node: d, next: 0 });
      }
    }
  }
  return order;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
