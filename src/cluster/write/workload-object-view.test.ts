import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workloadView } from './workload-object-view.ts';
import { buildPatchBody, patchStyleFor } from './workload-patch-body.ts';

const ref = (kind: string) => ({ kind, namespace: 'prod', name: 'web' });

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    uid: 'u1',
    resourceVersion: '42',
    labels: { app: 'web' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
        spec: {
          template: {
            spec: { containers: [{ name: 'app', image: 'x', imagePullPolicy: 'Always' }] },
          },
        },
      }),
    },
    managedFields: [
      {
        manager: 'argocd-controller',
        operation: 'Apply',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': {
                'f:initContainers': { 'k:{"name":"init"}': { '.': {}, 'f:imagePullPolicy': {} } },
              },
            },
          },
        },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': { 'f:containers': { 'k:{"name":"side"}': { 'f:imagePullPolicy': {} } } },
            },
          },
        },
      },
    ],
  },
  spec: {
    paused: true,
    template: {
      metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } },
      spec: {
        initContainers: [{ name: 'init', image: 'reg/init:1', imagePullPolicy: 'IfNotPresent' }],
        containers: [
          {
            name: 'app',
            image: 'reg/app:1',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 80 }],
          },
          { name: 'side', image: 'reg/side', imagePullPolicy: 'Always' },
        ],
      },
    },
  },
};

describe('workloadView', () => {
  it('reads the template containers and which pull policies the applied configuration declares', () => {
    const view = workloadView(deployment, ref('Deployment'));
    assert.equal(view.resourceVersion, '42');
    assert.equal(view.paused, true);
    assert.deepEqual(view.templateAnnotations, {
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
    });
    assert.deepEqual(
      view.containers.map((c) => [
        c.kind,
        c.name,
        c.image,
        c.imagePullPolicy,
        c.pullPolicyDeclared,
      ]),
      [
        ['init', 'init', 'reg/init:1', 'IfNotPresent', true], // server-side apply owns it
        ['regular', 'app', 'reg/app:1', 'Always', true], // kubectl apply's last-applied has it
        ['regular', 'side', 'reg/side', 'Always', false], // only an Update manager: may be the default
      ],
    );
  });

  it('finds a CronJob template under spec.jobTemplate, and notices a missing template', () => {
    const cron = {
      metadata: {
        ownerReferences: [
          { apiVersion: 'x/v1', kind: 'Owner', name: 'o', uid: 'u', controller: true },
        ],
      },
      spec: {
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } },
      },
    };
    const view = workloadView(cron, ref('CronJob'));
    assert.deepEqual(
      view.containers.map((c) => c.name),
      ['c'],
    );
    assert.equal(view.ownerReferences[0]?.controller, true);
    const rollout = workloadView(
      { spec: { workloadRef: { kind: 'Deployment', name: 'web' } } },
      ref('Rollout'),
    );
    assert.equal(rollout.hasTemplate, false);
  });
});

describe('buildPatchBody', () => {
  const change = {
    containers: [{ name: 'app', kind: 'regular' as const, image: 'reg/app:1@sha256:a' }],
    annotations: { 'kube-fresh.io/fixed-by': 'pin' },
    templateAnnotations: {},
  };

  it('a strategic merge patch names only the changed fields, with the resourceVersion precondition', () => {
    const view = workloadView(deployment, ref('Deployment'));
    assert.equal(patchStyleFor('apps/v1'), 'strategic');
    assert.deepEqual(buildPatchBody(view, change, 'strategic'), {
      metadata: { resourceVersion: '42', annotations: { 'kube-fresh.io/fixed-by': 'pin' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'reg/app:1@sha256:a' }] } } },
    });
  });

  it('a merge patch (custom resources) carries whole container lists, other containers untouched', () => {
    const view = workloadView(
      { ...deployment, apiVersion: 'argoproj.io/v1alpha1' },
      ref('Rollout'),
    );
    assert.equal(patchStyleFor('argoproj.io/v1alpha1'), 'merge');
    const body = buildPatchBody(view, { ...change, templateAnnotations: { r: 'now' } }, 'merge');
    assert.deepEqual(body.spec, {
      template: {
        metadata: { annotations: { r: 'now' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'reg/app:1@sha256:a',
              imagePullPolicy: 'Always',
              ports: [{ containerPort: 80 }],
            },
            { name: 'side', image: 'reg/side', imagePullPolicy: 'Always' },
          ],
        },
      },
    });
  });

  it('a CronJob patch goes under spec.jobTemplate.spec.template', () => {
    const view = workloadView({ metadata: { resourceVersion: '3' }, spec: {} }, ref('CronJob'));
    const body = buildPatchBody(view, { ...change, annotations: {} }, 'strategic');
    assert.deepEqual(body, {
      metadata: { resourceVersion: '3' },
      spec: {
        jobTemplate: {
          spec: {
            template: { spec: { containers: [{ name: 'app', image: 'reg/app:1@sha256:a' }] } },
          },
        },
      },
    });
  });
});
