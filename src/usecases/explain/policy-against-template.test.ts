import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectivePullPolicy } from '../../core/pull-policy.ts';
import type { LiveWorkload, TemplateContainer } from '../../cluster/write/workload-writer.ts';
import { policyAgainstTemplate } from './policy-against-template.ts';

function workload(container: Partial<TemplateContainer>): LiveWorkload {
  const c: TemplateContainer = {
    kind: 'regular',
    name: 'app',
    image: 'app:1',
    imagePullPolicy: 'IfNotPresent',
    pullPolicyDeclared: false,
    ...container,
  };
  return {
    ref: { kind: 'Deployment', namespace: 'ns', name: 'web' },
    apiVersion: 'apps/v1',
    uid: 'u',
    resourceVersion: '1',
    labels: {},
    annotations: {},
    ownerReferences: [],
    hasTemplate: true,
    containers: [c],
    templateAnnotations: {},
    updateStrategy: undefined,
    paused: false,
    raw: {},
  };
}

describe('policyAgainstTemplate', () => {
  const app = { name: 'app', kind: 'regular' };
  const table: Array<
    [string, string, string | undefined, LiveWorkload | undefined, string, RegExp]
  > = [
    [
      "no workload object: the Pod's own answer stands",
      'app:1',
      undefined,
      undefined,
      'default',
      /not "latest"/,
    ],
    [
      'template and Pod agree, defaulted',
      'app:1',
      'IfNotPresent',
      workload({}),
      'default',
      /not "latest"/,
    ],
    [
      'template and Pod agree, declared in the applied config',
      'app:1',
      'IfNotPresent',
      workload({ pullPolicyDeclared: true }),
      'explicit',
      /applied configuration sets imagePullPolicy IfNotPresent/,
    ],
    [
      'Pod differs from its template: admission',
      'app:1',
      'Always',
      workload({ imagePullPolicy: 'IfNotPresent' }),
      'admission',
      /template says IfNotPresent, but the Pod was created with Always/,
    ],
    [
      'template stores a non-default policy, not from the applied config',
      'app:latest',
      'IfNotPresent',
      workload({ imagePullPolicy: 'IfNotPresent' }),
      'explicit',
      /default would be Always/,
    ],
    [
      'another container name: no template answer',
      'app:1',
      'IfNotPresent',
      workload({ name: 'other' }),
      'default',
      /not "latest"/,
    ],
  ];
  for (const [label, image, podPolicy, live, source, reason] of table) {
    it(label, () => {
      const pod =
        podPolicy === undefined
          ? effectivePullPolicy(image)
          : effectivePullPolicy(
              image,
              podPolicy === effectivePullPolicy(image).policy ? undefined : (podPolicy as 'Always'),
            );
      const result = policyAgainstTemplate(image, app, pod, live);
      assert.equal(result.source, source);
      assert.match(result.reason, reason);
    });
  }
});
