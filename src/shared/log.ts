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

export function consoleLog(stream: NodeJS.WritableStream = process.stderr, verbose = false): Log {
  const w = (s: string) => stream.write(s + '\n');
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
