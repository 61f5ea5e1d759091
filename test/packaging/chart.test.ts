// The Helm chart, checked with helm v4 built from its Go module: lint, schema, the rendered objects'
// promises (fail-open webhooks, least-privilege RBAC, hardened Pods, PDBs), the committed plain
// manifests in sync with it, server-side validation by the Go-built kube-apiserver, and an
// install → upgrade → uninstall on that API server that leaves nothing behind.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- rendered manifests are untyped JSON; the assertions are the shape check */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HELM = join(REPO, '.cache/tools/bin/helm');
const KUBECTL = join(REPO, '.cache/tools/bin/kubectl');
const CHART = join(REPO, 'charts/kube-fresh');
const missingTools = !existsSync(HELM) || !existsSync(KUBECTL);
const skip =
  missingTools && !process.env.CI ? 'helm/kubectl not built (bash hack/build-go-tools.sh)' : false;

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: any;
};

async function helm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'kube-fresh-helm-'));
  const { stdout } = await run(HELM, args, {
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: home,
      HELM_CONFIG_HOME: home,
      HELM_DATA_HOME: home,
      ...env,
    },
  });
  return stdout;
}

async function render(...set: string[]): Promise<Obj[]> {
  const args = [
    'template',
    'kf',
    CHART,
    '--namespace',
    'kube-fresh',
    '--set',
    'image.repository=reg.test/kube-fresh',
  ];
  for (const s of set) args.push('--set', s);
  return parseAllDocuments(await helm(args))
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

const find = (objs: Obj[], kind: string, name?: string): Obj[] =>
  objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('the Helm chart', { timeout: 300_000, skip }, () => {
  it('passes helm lint --strict', async () => {
    await helm(['lint', '--strict', CHART, '--set', 'image.repository=reg.test/kube-fresh']);
  });

  it('refuses values the schema does not allow, and a missing image repository', async () => {
    for (const bad of [
      'controller.defaultPolicy=always',
      'webhook.timeoutSeconds=31',
      'bogus=1',
      'webhook.url=http://x',
    ]) {
      await assert.rejects(
        helm(['template', 'kf', CHART, '--set', 'image.repository=r', '--set', bad]),
        /values don't meet the specifications|schema/i,
        bad,
      );
    }
    await assert.rejects(helm(['template', 'kf', CHART]), /image.repository is required/);
  });

  it('renders fail-open webhooks that skip kube-system and their own namespace, with the CA the Secret holds', async () => {
    const objs = await render();
    const mutating = find(objs, 'MutatingWebhookConfiguration')[0];
    const hook = mutating?.webhooks[0];
    assert.equal(hook.failurePolicy, 'Ignore');
    assert.equal(hook.sideEffects, 'None');
    assert.equal(hook.reinvocationPolicy, 'IfNeeded');
    assert.equal(hook.clientConfig.service.path, '/mutate');
    const excluded = hook.namespaceSelector.matchExpressions[0].values as string[];
    assert.ok(excluded.includes('kube-system') && excluded.includes('kube-fresh'));
    const secret = find(objs, 'Secret', 'kf-kube-fresh-webhook-tls')[0];
    assert.equal(hook.clientConfig.caBundle, secret?.data['ca.crt']);
    const validating = find(objs, 'ValidatingWebhookConfiguration')[0];
    assert.deepEqual(
      validating?.webhooks.map((w: any) => [w.name, w.clientConfig.service.path, w.failurePolicy]),
      [
        ['warn.policy.kube-fresh.io', '/validate/warn', 'Ignore'],
        ['deny.policy.kube-fresh.io', '/validate/deny', 'Ignore'],
      ],
    );
    const optIn = await render('webhook.namespaceMode=optIn');
    assert.deepEqual(
      find(optIn, 'MutatingWebhookConfiguration')[0]?.webhooks[0].namespaceSelector,
      {
        matchLabels: { 'kube-fresh.io/admission': 'enabled' },
      },
    );
  });

  it('runs both components hardened, two replicas each, with PDBs and spread webhooks', async () => {
    const objs = await render();
    const deployments = find(objs, 'Deployment');
    assert.deepEqual(
      deployments.map((d) => [d.metadata.name, d.spec.replicas]),
      [
        ['kf-kube-fresh-controller', 2],
        ['kf-kube-fresh-webhook', 2],
      ],
    );
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      for (const c of pod.containers) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
        assert.ok(c.readinessProbe && c.livenessProbe && c.resources.requests);
        assert.equal(c.image, 'reg.test/kube-fresh:0.1.0');
      }
    }
    assert.ok(
      deployments[0]?.spec.template.spec.containers[0].args.includes('--leader-elect=true'),
    );
    assert.equal(find(objs, 'PodDisruptionBudget').length, 2);
    assert.ok(
      deployments[1]?.spec.template.spec.affinity.podAntiAffinity
        .preferredDuringSchedulingIgnoredDuringExecution,
    );
  });

  it('grants least privilege: Secrets only get, patch only on workload kinds, Leases only in its namespace', async () => {
    const objs = await render();
    const webhookRole = find(objs, 'ClusterRole', 'kf-kube-fresh-webhook')[0];
    assert.deepEqual(webhookRole?.rules, [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
    ]);
    const controllerRole = find(objs, 'ClusterRole', 'kf-kube-fresh-controller')[0];
    for (const rule of controllerRole?.rules ?? []) {
      if (rule.resources.includes('secrets')) assert.deepEqual(rule.verbs, ['get']);
      if (rule.verbs.includes('patch')) {
        for (const r of rule.resources)
          assert.ok(
            [
              'deployments',
              'statefulsets',
              'daemonsets',
              'replicasets',
              'cronjobs',
              'rollouts',
              'events',
            ].includes(r),
            r,
          );
      }
      assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*'));
    }
    const leaseRole = find(objs, 'Role')[0];
    assert.equal(leaseRole?.metadata.namespace, 'kube-fresh');
    assert.deepEqual(leaseRole?.rules[0].resources, ['leases']);
  });

  it('ships alert rules and ServiceMonitors that Prometheus accepts', async () => {
    const objs = await render(
      'metrics.prometheusRule.enabled=true',
      'metrics.serviceMonitor.enabled=true',
    );
    assert.equal(find(objs, 'ServiceMonitor').length, 2);
    const rule = find(objs, 'PrometheusRule')[0];
    const alerts = (rule?.spec.groups[0].rules as { alert: string }[]).map((r) => r.alert);
    assert.ok(alerts.includes('KubeFreshMixedDigests') && alerts.includes('KubeFreshNoLeader'));
    const file = join(await mkdtemp(join(tmpdir(), 'kube-fresh-rules-')), 'rules.yaml');
    await writeFile(file, JSON.stringify(rule?.spec));
    await run('promtool', ['check', 'rules', file]);
  });

  it('keeps deploy/kube-fresh.yaml in sync with the chart', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'kube-fresh-deploy-')), 'kube-fresh.yaml');
    await run('bash', ['scripts/render-manifests.sh', out], {
      cwd: REPO,
      env: { ...process.env, HELM },
    });
    assert.equal(
      await readFile(join(REPO, 'deploy/kube-fresh.yaml'), 'utf8'),
      await readFile(out, 'utf8'),
      'run: bash scripts/render-manifests.sh',
    );
  });

  describe('on the Go-built kube-apiserver', () => {
    let cp: ControlPlane;
    before(async () => {
      cp = await startControlPlane({ controllers: false });
      await cp.createNamespace('kube-fresh');
    });
    after(() => cp?.stop());

    it('every rendered object passes server-side validation', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-chart-'));
      const file = join(dir, 'all.yaml');
      await writeFile(
        file,
        await helm([
          'template',
          'kf',
          CHART,
          '--namespace',
          'kube-fresh',
          '--set',
          'image.repository=reg.test/kube-fresh',
          '--set',
          'networkPolicy.enabled=true',
        ]),
      );
      await run(KUBECTL, [
        '--kubeconfig',
        cp.kubeconfigPath,
        'apply',
        '--dry-run=server',
        '-f',
        file,
      ]);
    });

    it('installs, upgrades and uninstalls leaving no webhook configuration or cluster role behind', async () => {
      const env = { KUBECONFIG: cp.kubeconfigPath };
      const base = ['--namespace', 'kube-fresh', '--set', 'image.repository=reg.test/kube-fresh'];
      await helm(['install', 'kf', CHART, ...base], env);
      const secretBefore = JSON.parse(
        (
          await run(KUBECTL, [
            '--kubeconfig',
            cp.kubeconfigPath,
            '-n',
            'kube-fresh',
            'get',
            'secret',
            'kf-kube-fresh-webhook-tls',
            '-o',
            'json',
          ])
        ).stdout,
      ) as Obj;
      await helm(['upgrade', 'kf', CHART, ...base, '--set', 'controller.pollInterval=1m'], env);
      const secretAfter = JSON.parse(
        (
          await run(KUBECTL, [
            '--kubeconfig',
            cp.kubeconfigPath,
            '-n',
            'kube-fresh',
            'get',
            'secret',
            'kf-kube-fresh-webhook-tls',
            '-o',
            'json',
          ])
        ).stdout,
      ) as Obj;
      assert.equal(
        secretAfter.data['ca.crt'],
        secretBefore.data['ca.crt'],
        'the serving CA survives an upgrade',
      );
      const mwc = JSON.parse(
        (
          await run(KUBECTL, [
            '--kubeconfig',
            cp.kubeconfigPath,
            'get',
            'mutatingwebhookconfiguration',
            'kf-kube-fresh',
            '-o',
            'json',
          ])
        ).stdout,
      ) as Obj;
      assert.equal(mwc.webhooks[0].clientConfig.caBundle, secretAfter.data['ca.crt']);
      await helm(['uninstall', 'kf', '--namespace', 'kube-fresh', '--wait'], env);
      const left = await run(KUBECTL, [
        '--kubeconfig',
        cp.kubeconfigPath,
        'get',
        'mutatingwebhookconfigurations,validatingwebhookconfigurations,clusterroles,clusterrolebindings',
        '-l',
        'app.kubernetes.io/instance=kf',
        '-o',
        'name',
      ]);
      assert.equal(left.stdout.trim(), '');
      const inNamespace = await run(KUBECTL, [
        '--kubeconfig',
        cp.kubeconfigPath,
        '-n',
        'kube-fresh',
        'get',
        'all,secrets,roles,rolebindings,serviceaccounts,pdb',
        '-l',
        'app.kubernetes.io/instance=kf',
        '-o',
        'name',
      ]);
      assert.equal(inNamespace.stdout.trim(), '');
    });
  });
});
