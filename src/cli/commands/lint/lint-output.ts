// `kube-fresh lint` output: one line per finding (text), the documented JSON, or SARIF 2.1.0.
// Problems reading or parsing input, and the summary, go to stderr in text mode.

import { relative, resolve, sep } from 'node:path';
import type { Finding } from '../../../manifests/lint-manifests.ts';
import { STDIN_NAME } from '../../../manifests/manifest-files.ts';
import { renderSarif, type InputProblem } from '../../../manifests/sarif.ts';
import type { LintReport } from '../../../usecases/lint-manifest-files.ts';

const LIST_WORD: Readonly<Record<Finding['containerList'], string>> = {
  containers: 'container',
  initContainers: 'initContainer',
  ephemeralContainers: 'ephemeralContainer',
  imageVolumes: 'image volume',
};

/** `file:line:col: severity KFxxx message (Kind/name container NAME)` lines. */
export function renderLintText(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const where = `${f.kind}/${f.name ?? '<unnamed>'} ${LIST_WORD[f.containerList]} ${f.container}`;
      return `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule} ${f.message} (${where})\n`;
    })
    .join('');
}

/** What went wrong reading input, for stderr. */
export function renderLintProblems(report: LintReport): string {
  const problems = report.problems.map((p) => `${locate(p)}: error: ${p.message}\n`);
  const lookups = report.lookupFailures.map(
    (failure) => `warning: cannot check the pinned tag (KF007): ${failure}\n`,
  );
  return [...problems, ...lookups].join('');
}

export function renderLintSummary(report: LintReport): string {
  const s = report.summary;
  const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}`;
  const scope = `${plural(s.files, 'file')}, ${plural(s.documents, 'document')}, ${plural(s.images, 'image')}`;
  return `${counts} (${scope})\n`;
}

/** The JSON document: findings with the documented keys, the summary, and input problems. */
export function renderLintJson(report: LintReport): string {
  const findings = report.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    documentIndex: f.documentIndex,
    kind: f.kind,
    namespace: f.namespace,
    name: f.name,
    container: f.container,
    image: f.image,
    message: f.message,
  }));
  const json = {
    findings,
    summary: report.summary,
    problems: report.problems,
    lookupFailures: report.lookupFailures,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function renderLintSarif(report: LintReport, version: string, cwd: string): string {
  const sarif = renderSarif({
    findings: report.findings,
    problems: report.problems,
    version,
    severities: report.severities,
    uriOf: (file) => artifactUri(file, cwd),
  });
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** A path relative to `cwd` with forward slashes, percent-encoded as a URI reference. */
export function artifactUri(file: string, cwd: string): string {
  if (file === STDIN_NAME) return encodeURI(file);
  const path = relative(cwd, resolve(cwd, file)).split(sep).join('/');
  return encodeURI(path);
}

function locate(problem: InputProblem): string {
  return problem.line === null
    ? problem.file
    : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
