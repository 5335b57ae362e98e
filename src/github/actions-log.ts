// The engine's Log, backed by @actions/core: errors and warnings become annotations on the
// job file, groups become collapsible log groups.
//
// Every message and annotation property is cleaned here (cleanLogText), whoever calls: prediction
// ids, statuses, error texts, model and job names come from Atlas or the job file, and a line of
// theirs that starts with `::` would otherwise be obeyed by the runner as a workflow command.
import * as core from '@actions/core';
import { cleanLogLine, cleanLogText, cleanWhere, type Log, type Where } from '../shared/log.js';

function props(where?: Where): core.AnnotationProperties {
  const at = cleanWhere(where);
  return at ? { title: at.title, file: at.file, startLine: at.line, startColumn: at.col } : {};
}

export function actionsLog(): Log {
  return {
    debug: (m) => core.debug(cleanLogText(m)),
    info: (m) => core.info(cleanLogText(m)),
    warning: (m, at) => core.warning(cleanLogText(m), props(at)),
    error: (m, at) => core.error(cleanLogText(m), props(at)),
    group: (title, fn) => core.group(cleanLogLine(title), fn),
  };
}

/** A collapsible group opened and closed around synchronous lines, cleaned like every other line. */
export function logGroup(title: string, lines: readonly string[]): void {
  core.startGroup(cleanLogLine(title));
  for (const line of lines) core.info(cleanLogText(line));
  core.endGroup();
}

/** core.setFailed with the message cleaned: it often quotes job names and Atlas's words. */
export function failStep(message: string): void {
  core.setFailed(cleanLogText(message));
}
