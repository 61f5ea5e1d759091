// Image volumes (KEP-4639): `volumes[].image.reference` and `.pullPolicy` are images too, with the
// same defaulting (latest → Always, else IfNotPresent).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from '../core/digest.ts';
import { applyTextEdits } from './edit-images.ts';
import { listImageSites } from './find-image-fields.ts';
import { lintManifests } from './lint-manifests.ts';
import { parseManifests } from './parse-manifests.ts';
import { planPins } from './pin-images.ts';

const D = `sha256:${'c'.repeat(64)}` as Digest;
const TEXT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  template:
    spec:
      containers:
        - name: app
          image: reg.example.com/app@${D}
      volumes:
        - name: cache
          emptyDir: {}
        - name: models   # the weights
          image:
            reference: "reg.example.com/models:v3"
        - name: tools
          image: {reference: reg.example.com/tools, pullPolicy: Always}
`;

describe('image volumes', () => {
  it('are found with their pull policy key', () => {
    const sites = listImageSites(parseManifests(TEXT));
    assert.deepEqual(
      sites.map((s) => [s.list, s.index, s.name, s.image?.value, s.pullPolicy?.value, s.policyKey]),
      [
        ['containers', 0, 'app', `reg.example.com/app@${D}`, undefined, 'imagePullPolicy'],
        ['imageVolumes', 1, 'models', 'reg.example.com/models:v3', undefined, 'pullPolicy'],
        ['imageVolumes', 2, 'tools', 'reg.example.com/tools', 'Always', 'pullPolicy'],
      ],
    );
  });

  it('are linted like containers (defaulted IfNotPresent on a tag, latest → Always)', () => {
    const linted = lintManifests(parseManifests(TEXT), { file: 'x.yaml' });
    assert.deepEqual(
      linted.findings.map((f) => [f.rule, f.containerList, f.container, f.line]),
      [
        ['KF001', 'imageVolumes', 'models', 15],
        ['KF002', 'imageVolumes', 'tools', 17],
      ],
    );
  });

  it('are pinned byte-exactly, adding pullPolicy (not imagePullPolicy) where latest would default to Always', () => {
    const digests = new Map([
      ['reg.example.com/models:v3', D],
      ['reg.example.com/tools:latest', D],
    ]);
    const plan = planPins(parseManifests(TEXT), digests);
    const out = applyTextEdits(TEXT, plan.edits);
    assert.equal(
      out,
      TEXT.replace('"reg.example.com/models:v3"', `"reg.example.com/models:v3@${D}"`).replace(
        '{reference: reg.example.com/tools, pullPolicy: Always}',
        `{reference: "reg.example.com/tools:latest@${D}", pullPolicy: Always}`,
      ),
    );
    // An image volume on latest without a policy gets `pullPolicy: IfNotPresent`.
    const bare = TEXT.replace(
      '{reference: reg.example.com/tools, pullPolicy: Always}',
      '{reference: reg.example.com/tools}',
    );
    const pinned = applyTextEdits(bare, planPins(parseManifests(bare), digests).edits);
    assert.match(
      pinned,
      new RegExp(`reference: "reg\\.example\\.com/tools:latest@${D}", pullPolicy: IfNotPresent\\}`),
    );
    assert.ok(!pinned.includes('imagePullPolicy'));
  });
});
