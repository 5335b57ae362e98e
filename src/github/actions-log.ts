// The engine's Log, backed by @actions/core: errors and warnings become annotations on the
// job file, groups become collapsible log groups.
import * as core from '@actions/core';
import type { Log, Where } from '../shared/log.js';

function props(at?: Where): core.AnnotationProperties {
  return at ? { title: at.title, file: at.file, startLine: at.line, startColumn: at.col } : {};
}

export function actionsLog(): Log {
  return {
    debug: (m) => core.debug(m),
    info: (m) => core.info(m),
    warning: (m, at) => core.warning(m, props(at)),
    error: (m, at) => core.error(m, props(at)),
    group: (title, fn) => core.group(title, fn),
  };
}
