// The admission webhook behind the Go-built kube-apiserver (TLS, the test CA in the caBundle, the
// configurations `webhook manifests` prints), the controller-manager creating Pods from
// Deployments, and the htpasswd docker-registry. Pods are never scheduled here: admission is
// the whole story.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { connectPullSecretGetter } from '../../src/cluster/read/pull-secret-getter.ts';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import { defaultRegistryConfig } from '../../src/registry/registry-config.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { ensureServingCert } from '../../src/webhook/serving-cert.ts';
import { startWebhook, type RunningWebhook } from '../../src/webhook/start-webhook.ts';
import { webhookManifests } from '../../src/webhook/webhook-manifests.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import {
  startRegistry,
  TEST_PASSWORD,
  TEST_USER,
  type TestRegistry,
} from '../../harness/registry/registry.ts';

const run = promisify(execFile);
const ANNOTATION = 'kube-fresh.io/original-images';

interface Pod {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    containers: Array<{ name: string; image: string }>;
    initContainers?: Array<{ name: string; image: string }>;
    ephemeralContainers?: Array<{ name: string; image: string }>;
  };
}

function pod(name: string, images: string[], extra: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: images.map((image, i) => ({ name: `c${i}`, image })),
      ...extra,
    },
  };
}

describe('kube-fresh webhook behind a real kube-apiserver', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let registry: TestRegistry;
  let webhook: RunningWebhook;
  let caFile: string;
  const logs: string[] = [];
  let web: string; // digest of team/web:1.0
  let multiIndex: string; // index digest of team/multi:1.0
  const img = (repoTag: string): string => `${registry.host}/${repoTag}`;
  const kubectl = async (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    run('kubectl', ['--kubeconfig', cp.kubeconfigPath, ...args], { timeout: 60_000 });

  before(async () => {
    [cp, registry] = await Promise.all([startControlPlane(), startRegistry('htpasswd-tls')]);
    web = (await registry.pusher.pushImage('team/web', '1.0')).digest;
    await registry.pusher.pushImage('team/web', '2.0');
    multiIndex = (
      await registry.pusher.pushIndex('team/multi', '1.0', [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ])
    ).digest;
    const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-webhook-'));
    const cert = await ensureServingCert(join(dir, 'pki'), ['127.0.0.1']);
    caFile = cert.caFile;
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    webhook = await startWebhook({
      listen: { host: '127.0.0.1', port: 0 },
      tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      metricsListen: { host: '127.0.0.1', port: 0 },
      cacheTtlMs: 30_000,
      resolveTimeoutMs: 2_000,
      excludedNamespaces: ['kube-system'],
      registry: defaultRegistryConfig({
        extraCaCertificates: [registry.pki?.caCertPem ?? ''],
        requestTimeoutMs: 5_000,
        connectTimeoutMs: 1_000,
      }),
      dockerCredentials: NO_CREDENTIALS,
      secrets: await connectPullSecretGetter(
        { sources: { kubeconfigFlag: cp.kubeconfigPath }, env: {} },
        10_000,
      ),
      logger: createLogger({ component: 'webhook', destination: sink }),
    });
    for (const config of webhookManifests({
      name: 'kube-fresh',
      target: { url: `https://127.0.0.1:${webhook.port}` },
      caPem: cert.caPem,
      timeoutSeconds: 5,
      excludedNamespaces: ['kube-system'],
      policyLabel: 'kube-fresh.io/admission-policy',
    }) as Array<{ kind: string }>) {
      const plural = config.kind === 'MutatingWebhookConfiguration' ? 'mutating' : 'validating';
      await cp.admin.create(
        `/apis/admissionregistration.k8s.io/v1/${plural}webhookconfigurations`,
        config,
      );
    }
    await cp.createNamespace('creds');
    await cp.admin.create('/api/v1/namespaces/creds/secrets', {
      metadata: { name: 'regcred' },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: {
        '.dockerconfigjson': JSON.stringify({
          auths: { [registry.host]: { username: TEST_USER, password: TEST_PASSWORD } },
        }),
      },
    });
    // The ServiceAccount's pull secret is merged into every Pod by the ServiceAccount plugin.
    await cp.admin.patch('/api/v1/namespaces/creds/serviceaccounts/default', {
      imagePullSecrets: [{ name: 'regcred' }],
    });
    await cp.createNamespace('nocreds');
    await cp.admin.patch('/api/v1/namespaces/nocreds', {
      metadata: { labels: { 'kube-fresh.io/admission-policy': 'warn' } },
    });
    await cp.createNamespace('strict');
    await cp.admin.patch('/api/v1/namespaces/strict', {
      metadata: { labels: { 'kube-fresh.io/admission-policy': 'deny' } },
    });
    await waitForWebhook(cp, img('team/web:1.0'));
  });

  after(async () => {
    await webhook?.close(0);
    await registry?.pusher.close();
    await Promise.all([cp?.stop(), registry?.stop()]);
  });

  it('pins a Pod through its pull secret, init and ephemeral containers too, as written', async () => {
    const created = await cp.admin.create<Pod>(
      '/api/v1/namespaces/creds/pods',
      pod('pinned', [img('team/web:1.0'), img('team/multi:1.0')], {
        initContainers: [{ name: 'init', image: img('team/web:1.0') }],
      }),
    );
    assert.equal(created.spec.containers[0]?.image, `${img('team/web:1.0')}@${web}`);
    const multi = created.spec.containers[1]?.image ?? '';
    assert.equal(multi, `${img('team/multi:1.0')}@${multiIndex}`, 'the index digest');
    assert.equal(created.spec.initContainers?.[0]?.image, `${img('team/web:1.0')}@${web}`);
    assert.deepEqual(JSON.parse(created.metadata.annotations?.[ANNOTATION] ?? '{}'), {
      'containers/c0': img('team/web:1.0'),
      'containers/c1': img('team/multi:1.0'),
      'initContainers/init': img('team/web:1.0'),
    });
    const debugged = await cp.admin.patch<Pod>(
      '/api/v1/namespaces/creds/pods/pinned/ephemeralcontainers',
      { spec: { ephemeralContainers: [{ name: 'debug', image: img('team/web:2.0') }] } },
      'strategic',
    );
    const debugImage = debugged.spec.ephemeralContainers?.[0]?.image ?? '';
    assert.match(debugImage, new RegExp(`^${img('team/web:2.0')}@sha256:[0-9a-f]{64}$`));
    assert.notEqual(debugImage.split('@')[1], web);
    assert.equal(debugged.spec.containers[0]?.image, `${img('team/web:1.0')}@${web}`);
  });

  it('leaves digests alone and admits a Pod without credentials unchanged, with kubectl warnings', async () => {
    const pinnedAlready = `${img('team/web:2.0')}@${web}`; // a deliberate old digest stays
    const kept = await cp.admin.create<Pod>(
      '/api/v1/namespaces/creds/pods',
      pod('digest', [pinnedAlready]),
    );
    assert.equal(kept.spec.containers[0]?.image, pinnedAlready);
    assert.equal(kept.metadata.annotations?.[ANNOTATION], undefined);

    const { stderr } = await kubectl(
      'run',
      'anon',
      '-n',
      'nocreds',
      `--image=${img('team/web:1.0')}`,
      '--image-pull-policy=IfNotPresent',
      '--restart=Never',
    );
    const anon = await cp.admin.get<Pod>('/api/v1/namespaces/nocreds/pods/anon');
    assert.equal(anon.spec.containers[0]?.image, img('team/web:1.0'));
    assert.match(stderr, /Warning: kube-fresh: containers\/anon left as .*unauthorized/);
    assert.match(stderr, /Warning: KF001 containers\/anon /);
  });

  it('denies in a deny namespace with the rule ID when the Pod could not be pinned', async () => {
    await assert.rejects(
      kubectl(
        'run',
        'strict',
        '-n',
        'strict',
        `--image=${img('team/web:1.0')}`,
        '--image-pull-policy=IfNotPresent',
        '--restart=Never',
      ),
      (error: { stderr?: string }) =>
        /denied the request: kube-fresh policy \(deny\): KF001/.test(error.stderr ?? ''),
    );
  });

  it('pins every replica of a Deployment scaled to 200 to one digest, with one registry look-up', async () => {
    await cp.createNamespace('scale');
    await cp.admin.create('/api/v1/namespaces/scale/secrets', {
      metadata: { name: 'regcred' },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: {
        '.dockerconfigjson': JSON.stringify({
          auths: { [registry.host]: { username: TEST_USER, password: TEST_PASSWORD } },
        }),
      },
    });
    const before = (await registry.manifestRequests('kube-fresh')).length;
    const image = img('team/multi:1.0');
    await cp.admin.create('/apis/apps/v1/namespaces/scale/deployments', {
      metadata: { name: 'web' },
      spec: {
        replicas: 200,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'app', image }] },
        },
      },
    });
    const pods = await waitForPods(cp, 'scale', 200);
    const images = new Set(pods.map((p) => p.spec.containers[0]?.image));
    assert.equal(images.size, 1, [...images].join(', '));
    assert.equal([...images][0], `${image}@${multiIndex}`);
    const template = await cp.admin.get<{ spec: { template: Pod } }>(
      '/apis/apps/v1/namespaces/scale/deployments/web',
    );
    assert.equal(
      template.spec.template.spec.containers[0]?.image,
      image,
      'the template is not touched',
    );
    const successful = (await registry.manifestRequests('kube-fresh'))
      .slice(before)
      .filter((r) => r.status === 200);
    assert.ok(successful.length <= 2, `${successful.length} manifest requests for one tag`);
  });

  it('answers garbage with 400 and oversized bodies with 413, and keeps serving', async () => {
    const post = (body: Buffer | string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port: webhook.port,
            path: '/mutate?timeout=5s',
            method: 'POST',
            ca: readFileSync(caFile),
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    assert.equal(await post('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"'), 400);
    assert.equal(
      await post(
        '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":1}}',
      ),
      400,
    );
    assert.equal(await post(Buffer.alloc(7 * 1024 * 1024 + 10, 0x20)), 413);
    const created = await cp.admin.create<Pod>(
      '/api/v1/namespaces/creds/pods',
      pod('after-garbage', [img('team/web:1.0')]),
    );
    assert.equal(created.spec.containers[0]?.image, `${img('team/web:1.0')}@${web}`);
  });

  it('exposes admissions, latency and the cache hit ratio on /metrics; no secret in the logs', async () => {
    const text = await (await fetch(`http://127.0.0.1:${webhook.metricsPort}/metrics`)).text();
    assert.match(
      text,
      /kube_fresh_webhook_admissions_total\{endpoint="mutate",result="pinned",component="webhook"\} \d+/,
    );
    assert.match(text, /kube_fresh_webhook_admission_duration_seconds_bucket/);
    assert.match(text, /kube_fresh_webhook_tag_cache_hit_ratio\{component="webhook"\} 0\.\d+/);
    const all = logs.join('');
    assert.ok(all.includes('"result":"pinned"'));
    assert.ok(!all.includes(TEST_PASSWORD));
    assert.ok(!all.includes(Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64')));
  });

  it('serves a moved tag from the cache until the TTL or invalidate(tagKey), then the new digest', async () => {
    const moved = (await registry.pusher.pushImage('team/web', '1.0')).digest;
    assert.notEqual(moved, web);
    const cached = await cp.admin.create<Pod>(
      '/api/v1/namespaces/creds/pods',
      pod('cached', [img('team/web:1.0')]),
    );
    assert.equal(
      cached.spec.containers[0]?.image,
      `${img('team/web:1.0')}@${web}`,
      'within the TTL',
    );
    webhook.invalidate(`${registry.host}/team/web:1.0`);
    const fresh = await cp.admin.create<Pod>(
      '/api/v1/namespaces/creds/pods',
      pod('fresh', [img('team/web:1.0')]),
    );
    assert.equal(fresh.spec.containers[0]?.image, `${img('team/web:1.0')}@${moved}`);
  });

  it('admits unchanged with a warning when the registry is down (last: stops the registry)', async () => {
    await registry.stop();
    const { stderr } = await kubectl(
      'run',
      'down',
      '-n',
      'creds',
      `--image=${img('team/web:3.0')}`,
      '--restart=Never',
    );
    const down = await cp.admin.get<Pod>('/api/v1/namespaces/creds/pods/down');
    assert.equal(down.spec.containers[0]?.image, img('team/web:3.0'));
    assert.match(
      stderr,
      /Warning: kube-fresh: containers\/down left as .*(unreachable|no registry answer)/,
    );
  });
});

/** The apiserver picks webhook configurations up asynchronously: dry-run until one is pinned. */
async function waitForWebhook(cp: ControlPlane, image: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const probe = await cp.admin.create<Pod>(
      '/api/v1/namespaces/creds/pods?dryRun=All',
      pod('probe', [image]),
    );
    if (probe.spec.containers[0]?.image.includes('@sha256:') === true) return;
    if (Date.now() > deadline) throw new Error('the webhook configuration never became active');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForPods(cp: ControlPlane, namespace: string, count: number): Promise<Pod[]> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const pods = await cp.admin.listAll<Pod>(`/api/v1/namespaces/${namespace}/pods`);
    if (pods.length >= count) return pods;
    if (Date.now() > deadline) throw new Error(`only ${pods.length} of ${count} Pods were created`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
