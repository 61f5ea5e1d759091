// The webhook end to end on a REAL node (kubelet v1.35 + containerd, hack/node): a tag moved after
// the node cached it. Without the webhook a new IfNotPresent Pod there starts the old bits (see
// real-node.test.ts); with it the Pod names the new digest at admission, so the node pulls it.
// Skipped (with the reason) where hack/node/preflight.sh says real nodes cannot run.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { connectPullSecretGetter } from '../../src/cluster/read/pull-secret-getter.ts';
import { isRunning, waitFor, waitForPod } from '../../harness/cluster-waits.ts';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import { defaultRegistryConfig } from '../../src/registry/registry-config.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { ensureServingCert } from '../../src/webhook/serving-cert.ts';
import { startWebhook, type RunningWebhook } from '../../src/webhook/start-webhook.ts';
import { webhookManifests } from '../../src/webhook/webhook-manifests.ts';
import {
  realNodeGate,
  startRealNodes,
  stopRealNodes,
  type RealNodeCluster,
} from '../support/real-nodes.ts';

const NS = 'pinned';
const gate = await realNodeGate();

interface PodJson {
  spec: { containers: Array<{ image: string }> };
  status?: { containerStatuses?: Array<{ imageID?: string }> };
}

describe(
  'real node: the webhook stops a cached tag from serving old bits',
  { skip: gate.skip },
  () => {
    let cluster: RealNodeCluster | undefined;
    let webhook: RunningWebhook | undefined;
    const c = (): RealNodeCluster => {
      assert.ok(cluster, 'the cluster did not start');
      return cluster;
    };

    before(
      async () => {
        gate.assertAvailable();
        cluster = await startRealNodes(1);
        await cluster.admin.create('/api/v1/namespaces', { metadata: { name: NS } });
      },
      { timeout: 300_000 },
    );
    after(
      async () => {
        await webhook?.close(0);
        await stopRealNodes(cluster);
      },
      { timeout: 300_000 },
    );

    it(
      'a Pod created after the tag moved, on the node that cached it, runs the NEW digest',
      { timeout: 300_000 },
      async () => {
        const { admin } = c();
        const node = c().nodes[0]?.name ?? '';
        const repo = `${c().registry}/demo/web`;
        const tag = `${repo}:v1`;
        const d1 = await c().pushImage('app-v1', tag);
        await admin.create(`/api/v1/namespaces/${NS}/pods`, pod('before', tag, node));
        const cached = await waitForPod(admin, NS, 'before', isRunning);
        assert.equal(cached.status?.containerStatuses?.[0]?.imageID, `${repo}@${d1}`);
        const d2 = await c().pushImage('app-v2', tag); // the tag moves; the node still caches v1
        assert.notEqual(d2, d1);

        const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-webhook-e2e-'));
        const cert = await ensureServingCert(join(dir, 'pki'), ['127.0.0.1']);
        webhook = await startWebhook({
          listen: { host: '127.0.0.1', port: 0 },
          tls: { certFile: cert.certFile, keyFile: cert.keyFile },
          metricsListen: undefined,
          cacheTtlMs: 30_000,
          resolveTimeoutMs: 2_000,
          excludedNamespaces: ['kube-system'],
          registry: defaultRegistryConfig(),
          dockerCredentials: NO_CREDENTIALS,
          secrets: await connectPullSecretGetter(
            { sources: { kubeconfigFlag: c().kubeconfigPath }, env: {} },
            10_000,
          ),
          logger: createLogger({ component: 'webhook', destination: new PassThrough().resume() }),
        });
        const [mutating] = webhookManifests({
          name: 'kube-fresh',
          target: { url: `https://127.0.0.1:${webhook.port}` },
          caPem: cert.caPem,
          timeoutSeconds: 5,
          excludedNamespaces: ['kube-system'],
          policyLabel: 'kube-fresh.io/admission-policy',
        });
        await admin.create(
          '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
          mutating,
        );
        await waitFor('the webhook configuration to be active', 60_000, async () => {
          const probe = await admin.create<PodJson>(
            `/api/v1/namespaces/${NS}/pods?dryRun=All`,
            pod('probe', tag, node),
          );
          return probe.spec.containers[0]?.image.includes('@sha256:') === true ? true : undefined;
        });

        const created = await admin.create<PodJson>(
          `/api/v1/namespaces/${NS}/pods`,
          pod('after', tag, node),
        );
        assert.equal(created.spec.containers[0]?.image, `${tag}@${d2}`);
        const running = await waitForPod(admin, NS, 'after', isRunning);
        assert.equal(
          running.status?.containerStatuses?.[0]?.imageID,
          `${repo}@${d2}`,
          'new bits on the caching node',
        );
      },
    );
  },
);

function pod(name: string, image: string, node: string): unknown {
  return {
    metadata: { name },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent' }],
    },
  };
}
