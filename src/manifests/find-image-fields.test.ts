import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listImageSites } from './find-image-fields.ts';
import { parseManifests } from './parse-manifests.ts';

function sites(text: string): string[] {
  return listImageSites(parseManifests(text)).map(
    (s) =>
      `${s.workload.kind}/${s.workload.name ?? '-'} ${s.list}[${s.index}] ${s.name ?? '-'} ${s.image?.value ?? '?'} ${s.pullPolicy?.value ?? '-'}`,
  );
}

const template = (kind: string, apiVersion: string, path: string): string => {
  const containers = 'containers: [{name: c, image: "img:1"}]';
  const spec = path === 'spec' ? `spec: {${containers}}` : '';
  const nested: Record<string, string> = {
    spec: spec,
    'template.spec': `template: {spec: {${containers}}}`,
    'spec.template.spec': `spec: {template: {spec: {${containers}}}}`,
    'spec.jobTemplate.spec.template.spec': `spec: {jobTemplate: {spec: {template: {spec: {${containers}}}}}}`,
  };
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: n}\n${nested[path] ?? ''}\n`;
};

describe('listImageSites', () => {
  const kinds: Array<[string, string, string]> = [
    ['Pod', 'v1', 'spec'],
    ['PodTemplate', 'v1', 'template.spec'],
    ['ReplicationController', 'v1', 'spec.template.spec'],
    ['Deployment', 'apps/v1', 'spec.template.spec'],
    ['Deployment', 'extensions/v1beta1', 'spec.template.spec'],
    ['ReplicaSet', 'apps/v1', 'spec.template.spec'],
    ['DaemonSet', 'apps/v1', 'spec.template.spec'],
    ['StatefulSet', 'apps/v1', 'spec.template.spec'],
    ['Job', 'batch/v1', 'spec.template.spec'],
    ['CronJob', 'batch/v1', 'spec.jobTemplate.spec.template.spec'],
    ['CronJob', 'batch/v1beta1', 'spec.jobTemplate.spec.template.spec'],
    ['Rollout', 'argoproj.io/v1alpha1', 'spec.template.spec'],
  ];
  for (const [kind, apiVersion, path] of kinds) {
    it(`finds the containers of a ${apiVersion} ${kind} at ${path}`, () => {
      assert.deepEqual(sites(template(kind, apiVersion, path)), [
        `${kind}/n containers[0] c img:1 -`,
      ]);
    });
  }

  const ignored: Array<[string, string]> = [
    ['a Rollout of another group', template('Rollout', 'example.com/v1', 'spec.template.spec')],
    ['a Deployment under the core group', template('Deployment', 'v1', 'spec.template.spec')],
    ['a ConfigMap with an image key', 'apiVersion: v1\nkind: ConfigMap\ndata: {image: nginx}\n'],
    ['a compose file', 'services:\n  web:\n    image: nginx\n'],
    ['a scalar document', 'hello\n'],
    ['a Pod spec at the wrong path', 'kind: Deployment\nspec: {containers: [{image: x}]}\n'],
  ];
  for (const [label, text] of ignored) {
    it(`ignores ${label}`, () => assert.deepEqual(sites(text), []));
  }

  it('reads a document without apiVersion by its kind', () => {
    assert.deepEqual(sites('kind: Pod\nspec: {containers: [{image: a}]}\n'), [
      'Pod/- containers[0] - a -',
    ]);
  });

  it('walks List and typed *List items, and every container list', () => {
    const text = `kind: List
items:
  - kind: PodList
    items:
      - kind: Pod
        metadata: {name: p}
        spec:
          initContainers: [{name: i, image: a}]
          containers: [{name: c, image: b, imagePullPolicy: Never}]
          ephemeralContainers: [{name: e, image: c}]
`;
    assert.deepEqual(sites(text), [
      'Pod/p containers[0] c b Never',
      'Pod/p initContainers[0] i a -',
      'Pod/p ephemeralContainers[0] e c -',
    ]);
  });

  it('resolves aliases and << merge keys, own keys first', () => {
    const text = `kind: Pod
metadata: {name: m}
x-base: &base {image: base:1, imagePullPolicy: Never}
spec:
  containers:
    - <<: *base
      name: inherits
    - <<: *base
      name: overrides
      image: own:2
    - {name: alias, image: *img-missing-is-an-error}
`;
    const parsed = parseManifests(text);
    assert.equal(parsed.errors.length, 1, 'an unknown alias is a parse error');
    const fixed = text.replace('*img-missing-is-an-error', 'own:3');
    assert.deepEqual(sites(fixed), [
      'Pod/m containers[0] inherits base:1 Never',
      'Pod/m containers[1] overrides own:2 Never',
      'Pod/m containers[2] alias own:3 -',
    ]);
  });

  it('skips documents that do not parse and keeps the others', () => {
    const text =
      'kind: Pod\nspec: {containers: [{image: a}]}\n---\nkind: Pod\nspec: {containers: [\n---\nkind: Pod\nspec: {containers: [{image: c}]}\n';
    assert.deepEqual(sites(text), ['Pod/- containers[0] - a -', 'Pod/- containers[0] - c -']);
  });

  it('uses generateName when there is no name, and keeps a container without image out', () => {
    const text =
      'kind: Job\nmetadata: {generateName: run-}\nspec: {template: {spec: {containers: [{name: x}, {name: y, image: z}]}}}\n';
    assert.deepEqual(sites(text), ['Job/run- containers[1] y z -']);
  });
});
