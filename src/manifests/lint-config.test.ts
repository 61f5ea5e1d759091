import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyLintConfig, parseLintConfig } from './lint-config.ts';
import type { Finding } from './lint-manifests.ts';

const finding: Finding = {
  rule: 'KF001',
  severity: 'error',
  file: 'k8s/legacy/web.yaml',
  line: 3,
  column: 5,
  documentIndex: 0,
  kind: 'Deployment',
  namespace: null,
  name: 'web',
  container: 'app',
  containerList: 'containers',
  image: 'nginx:1.27',
  message: 'm',
  siteIndex: 0,
};

describe('parseLintConfig', () => {
  it('reads severities and ignores', () => {
    const result = parseLintConfig(
      'rules:\n  KF004: off\n  KF002: error\nignore:\n  - rules: [KF001]\n    files: ["legacy/**"]\n    reason: old\n  - images: ["docker.io/library/redis:*"]\n',
      '.kube-fresh.yaml',
    );
    assert.ok(result.ok);
    assert.deepEqual(result.config.severities, { KF004: 'off', KF002: 'error' });
    assert.equal(result.config.ignores.length, 2);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['an unknown rule', 'rules: {KF999: error}\n', /^cfg\.yaml: rules.*KF999/],
    [
      'a bad severity',
      'rules: {KF001: fatal}\n',
      /^cfg\.yaml: rules\.KF001: .*"error"\|"warning"\|"info"\|"off"/,
    ],
    ['an unknown key', 'rulez: {}\n', /^cfg\.yaml: Unrecognized key: "rulez"/],
    [
      'an empty ignore entry',
      'ignore: [{reason: x}]\n',
      /^cfg\.yaml: ignore\.0: an ignore entry needs at least one of/,
    ],
    ['invalid YAML', 'rules: [\n', /^cfg\.yaml:2:1: /],
    ['a scalar', 'just text\n', /^cfg\.yaml: /],
  ];
  for (const [label, text, message] of invalid) {
    it(`names the file and the place for ${label}`, () => {
      const result = parseLintConfig(text, 'cfg.yaml');
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.errors[0] ?? '', message);
    });
  }

  it('accepts an empty file', () => assert.ok(parseLintConfig('', 'x').ok));
});

describe('applyLintConfig', () => {
  const config = (text: string) => {
    const result = parseLintConfig(text, 'c');
    assert.ok(result.ok);
    return result.config;
  };
  it('overrides the severity, or drops a rule that is off', () => {
    assert.equal(
      applyLintConfig(finding, config('rules: {KF001: warning}'), 'x')?.severity,
      'warning',
    );
    assert.equal(applyLintConfig(finding, config('rules: {KF001: off}'), 'x'), undefined);
  });
  const ignores: Array<[string, string, boolean]> = [
    ['rules + files match', 'ignore: [{rules: [KF001], files: ["k8s/legacy/**"]}]', true],
    ['another rule', 'ignore: [{rules: [KF002], files: ["k8s/legacy/**"]}]', false],
    ['another folder', 'ignore: [{files: ["other/**"]}]', false],
    ['image as written', 'ignore: [{images: ["nginx:*"]}]', true],
    ['normalised image', 'ignore: [{images: ["docker.io/library/nginx:1.*"]}]', true],
    ['image mismatch', 'ignore: [{images: ["redis:*"]}]', false],
  ];
  for (const [label, text, dropped] of ignores) {
    it(`${label}: ${dropped ? 'ignored' : 'kept'}`, () => {
      assert.equal(
        applyLintConfig(finding, config(text), 'k8s/legacy/web.yaml') === undefined,
        dropped,
      );
    });
  }
});
