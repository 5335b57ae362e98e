// The engine logs through this interface so it runs the same under the action
// (@actions/core), the CLI (a terminal) and tests (a recorder). No global logger.
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, where?: Where): void;
  error(message: string, where?: Where): void;
  /** Run fn inside a collapsible group where the sink supports one. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface Where {
  title?: string;
  file?: string;
  line?: number;
  col?: number;
}

// Control characters a log must never carry from outside (Atlas replies, the job file): C0 but tab
// and newline, DEL, C1 (U+0085 is a newline to some readers), bidi overrides and isolates (they
// reorder what a reader sees), and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g;
/** A line the runner would take as a workflow command: `::name…::` or the older `##[name]`, after leading blanks. */
const COMMAND_LINE = /^\s*(::|##\[)/;

/**
 * A message made safe to print as log lines: control characters removed (CR LF and CR become LF),
 * and every line that would start a runner command (`::error::`, `::add-mask::`, `::stop-commands::`,
 * `##[…]`) prefixed with `› `, so text from outside can never issue one.
 */
export function cleanLogText(text: string): string {
  return String(text)
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => (COMMAND_LINE.test(line) ? `› ${line}` : line))
    .join('\n');
}

/** One line (a title, a file name): control characters removed and line breaks turned into spaces. */
export function cleanLogLine(text: string): string {
  return cleanLogText(text).replace(/\s*\n\s*/g, ' ');
}

/** The place an annotation points at, every property cleaned like a log line. */
export function cleanWhere(at: Where | undefined): Where | undefined {
  if (!at) return at;
  const out: Where = {};
  if (at.title !== undefined) out.title = cleanLogLine(at.title);
  if (at.file !== undefined) out.file = cleanLogLine(at.file);
  if (at.line !== undefined) out.line = at.line;
  if (at.col !== undefined) out.col = at.col;
  return out;
}

export function consoleLog(stream: NodeJS.WritableStream = process.stderr, verbose = false): Log {
  // A terminal obeys escape sequences: what reaches it from outside is cleaned like the action's log.
  const w = (s: string) => stream.write(cleanLogText(s) + '\n');
  return {
    debug: (m) => {
      if (verbose) w(`debug: ${m}`);
    },
    info: (m) => w(m),
    warning: (m, at) => w(`warning: ${at?.file ? `${at.file}:${at.line ?? 0}: ` : ''}${m}`),
    error: (m, at) => w(`error: ${at?.file ? `${at.file}:${at.line ?? 0}: ` : ''}${m}`),
    group: async (title, fn) => {
      w(title);
      return fn();
    },
  };
}

/** A log that keeps every line, for tests and for the report. */
export function memoryLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: async (title, fn) => {
      lines.push(title);
      return fn();
    },
  };
}
