// SARIF 2.1.0 for code scanning (GitHub and others): one run, every rule described, one result per
// finding, and files that could not be read or parsed as tool notifications. Pure: paths arrive
// already relative and with forward slashes.

import { createHash } from 'node:crypto';
import type { Finding } from './lint-manifests.ts';
import { RULES, type RuleId, type Severity } from './lint-rules.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where the tool and its rules are documented; change it when the project moves. */
export const KUBE_FRESH_HOME = 'https://github.com/kube-fresh/kube-fresh';

/** A file or document that could not be read or parsed. */
export interface InputProblem {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly documentIndex: number | null;
  readonly message: string;
}

export interface SarifReport {
  readonly findings: readonly Finding[];
  readonly problems: readonly InputProblem[];
  readonly version: string;
  /** The severity each rule has after `.kube-fresh.yaml` ('off' = disabled). */
  readonly severities: Readonly<Record<RuleId, Severity | 'off'>>;
  /** The artifact URI of a file as shown to the user: relative, forward slashes. */
  readonly uriOf: (file: string) => string;
}

const LEVEL: Readonly<Record<Severity | 'off', string>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  off: 'none',
};

const PROBLEM_SEVERITY: Readonly<Record<Severity | 'off', string>> = {
  error: 'error',
  warning: 'warning',
  info: 'recommendation',
  off: 'recommendation',
};

/** The SARIF log as a plain object, ready for JSON.stringify. */
export function renderSarif(report: SarifReport): Record<string, unknown> {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: describeDriver(report) },
        invocations: [describeInvocation(report)],
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((finding) => describeResult(finding, report)),
      },
    ],
  };
}

function describeDriver(report: SarifReport): Record<string, unknown> {
  return {
    name: 'kube-fresh',
    informationUri: KUBE_FRESH_HOME,
    version: report.version,
    semanticVersion: report.version,
    rules: RULES.map((rule) => {
      const severity = report.severities[rule.id];
      return {
        id: rule.id,
        name: rule.name,
        shortDescription: { text: rule.summary },
        fullDescription: { text: rule.description },
        help: {
          text: rule.help,
          markdown: `**${rule.summary}.** ${rule.description}\n\n${rule.help}`,
        },
        helpUri: `${KUBE_FRESH_HOME}#kube-fresh-lint`,
        defaultConfiguration: { level: LEVEL[severity], enabled: severity !== 'off' },
        properties: {
          tags: ['kubernetes', 'container-image', 'reproducibility'],
          precision: 'very-high',
          'problem.severity': PROBLEM_SEVERITY[severity],
        },
      };
    }),
  };
}

function describeInvocation(report: SarifReport): Record<string, unknown> {
  return {
    executionSuccessful: report.problems.length === 0,
    toolExecutionNotifications: report.problems.map((problem) => ({
      level: 'error',
      message: { text: problem.message },
      locations: [location(report.uriOf(problem.file), problem.line, problem.column)],
    })),
  };
}

function describeResult(finding: Finding, report: SarifReport): Record<string, unknown> {
  const uri = report.uriOf(finding.file);
  return {
    ruleId: finding.rule,
    ruleIndex: RULES.findIndex((rule) => rule.id === finding.rule),
    level: LEVEL[finding.severity],
    message: {
      text: `${finding.message} (${finding.kind}/${finding.name ?? '?'} ${finding.container}: ${finding.image})`,
    },
    locations: [location(uri, finding.line, finding.column)],
    partialFingerprints: { 'kubeFresh/v1': fingerprint(finding, uri) },
    properties: {
      image: finding.image,
      kind: finding.kind,
      namespace: finding.namespace,
      name: finding.name,
      container: finding.container,
      documentIndex: finding.documentIndex,
    },
  };
}

function location(
  uri: string,
  line: number | null,
  column: number | null,
): Record<string, unknown> {
  const region = line === null ? undefined : { startLine: line, startColumn: column ?? 1 };
  return { physicalLocation: { artifactLocation: { uri }, ...(region ? { region } : {}) } };
}

/**
 * Identifies the container rather than the line, so an alert survives edits elsewhere in the file
 * and a changed tag on the same container stays the same alert.
 */
function fingerprint(finding: Finding, uri: string): string {
  const identity = [
    finding.rule,
    uri,
    finding.kind,
    finding.namespace ?? '',
    finding.name ?? '',
    finding.containerList,
    finding.container,
  ].join('\u0000');
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
