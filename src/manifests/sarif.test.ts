import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from './lint-manifests.ts';
import { RULES } from './lint-rules.ts';
import { renderSarif, SARIF_SCHEMA } from './sarif.ts';

const base: Finding = {
  rule: 'KF001',
  severity: 'error',
  file: 'k8s/web.yaml',
  line: 12,
  column: 18,
  documentIndex: 1,
  kind: 'Deployment',
  namespace: 'prod',
  name: 'web',
  container: 'app',
  containerList: 'containers',
  image: 'nginx:1.27',
  message: 'mutable tag',
  siteIndex: 0,
};
const severities = Object.fromEntries(RULES.map((r) => [r.id, r.severity])) as Record<
  Finding['rule'],
  Finding['severity']
>;

interface Location {
  physicalLocation: {
    artifactLocation: { uri: string };
    region?: { startLine: number; startColumn: number };
  };
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: string; enabled: boolean };
  properties: { tags: string[] };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Location[];
  partialFingerprints: Record<string, string>;
}
interface SarifRun {
  columnKind: string;
  tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
  invocations: Array<{
    executionSuccessful: boolean;
    toolExecutionNotifications: Array<{ level: string; locations: Location[] }>;
  }>;
  results: SarifResult[];
}
interface SarifLog {
  version: string;
  $schema: string;
  runs: SarifRun[];
}

function render(
  findings: Finding[],
  problems = [] as Parameters<typeof renderSarif>[0]['problems'],
): SarifLog {
  return JSON.parse(
    JSON.stringify(
      renderSarif({
        findings,
        problems,
        version: '1.2.3',
        severities: { ...severities, KF004: 'off' },
        uriOf: (file) => file.replace('\\', '/'),
      }),
    ),
  ) as SarifLog;
}

describe('renderSarif', () => {
  const info: Finding = { ...base, rule: 'KF004', severity: 'info', line: 20 };
  const log = render([base, { ...base, rule: 'KF002', severity: 'warning' }, info]);
  const run = log.runs[0] as SarifRun;

  it('is a 2.1.0 log with one run and the schema', () => {
    assert.equal(log.version, '2.1.0');
    assert.equal(log.$schema, SARIF_SCHEMA);
    assert.equal(log.runs.length, 1);
    assert.equal(run.columnKind, 'utf16CodeUnits');
  });

  it('describes the tool and every rule', () => {
    const driver = run.tool.driver;
    assert.equal(driver.name, 'kube-fresh');
    assert.equal(driver.version, '1.2.3');
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(
      driver.rules.map((r) => r.id),
      RULES.map((r) => r.id),
    );
    for (const rule of driver.rules) {
      assert.match(rule.name, /^[a-z-]+$/);
      for (const key of ['shortDescription', 'fullDescription', 'help'] as const)
        assert.ok(rule[key].text.length > 10);
      assert.ok(['error', 'warning', 'note', 'none'].includes(rule.defaultConfiguration.level));
      assert.ok(Array.isArray(rule.properties.tags));
    }
    const kf004 = driver.rules.find((r) => r.id === 'KF004');
    assert.deepEqual(kf004?.defaultConfiguration, { level: 'none', enabled: false });
  });

  it('maps each finding to a result with rule index, level, location and fingerprint', () => {
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.ruleIndex, r.level]),
      [
        ['KF001', 0, 'error'],
        ['KF002', 1, 'warning'],
        ['KF004', 3, 'note'],
      ],
    );
    const first = run.results[0] as SarifResult;
    assert.deepEqual(first.locations, [
      {
        physicalLocation: {
          artifactLocation: { uri: 'k8s/web.yaml' },
          region: { startLine: 12, startColumn: 18 },
        },
      },
    ]);
    assert.match(first.message.text, /^mutable tag \(Deployment\/web app: nginx:1\.27\)$/);
    assert.match(first.partialFingerprints['kubeFresh/v1'] ?? '', /^[0-9a-f]{32}$/);
  });

  it('keeps a fingerprint when the line moves, and changes it for another container', () => {
    const fingerprint = (f: Finding): string | undefined =>
      render([f]).runs[0]?.results[0]?.partialFingerprints['kubeFresh/v1'];
    const a = fingerprint(base);
    const moved = fingerprint({ ...base, line: 99, image: 'nginx:1.28' });
    const other = fingerprint({ ...base, container: 'sidecar' });
    assert.match(a ?? '', /^[0-9a-f]{32}$/);
    assert.equal(a, moved);
    assert.notEqual(a, other);
  });

  it('reports unreadable input as failed-execution notifications', () => {
    const problem = {
      file: 'bad.yaml',
      line: 3,
      column: 1,
      documentIndex: 0,
      message: 'bad indent',
    };
    const invocation = render([], [problem]).runs[0]?.invocations[0];
    assert.equal(invocation?.executionSuccessful, false);
    const [notification] = invocation?.toolExecutionNotifications ?? [];
    assert.equal(notification?.level, 'error');
    assert.equal(notification?.locations[0]?.physicalLocation.region?.startLine, 3);
    assert.equal(render([]).runs[0]?.invocations[0]?.executionSuccessful, true);
  });
});
