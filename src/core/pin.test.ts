import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDigest, type Digest } from './digest.ts';
import { parseImageReference, type ImageReference } from './image-reference.ts';
import { isPatchableKind, pinnedImage, pinnedName, pinnedPullPolicy } from './pin.ts';

const D = 'sha256:' + 'a'.repeat(64);
const OLD = 'sha256:' + 'b'.repeat(64);

function ref(image: string): ImageReference {
  const parsed = parseImageReference(image);
  assert.ok(parsed.ok, image);
  return parsed.reference;
}

function digest(text: string): Digest {
  assert.ok(isDigest(text), text);
  return text;
}

describe('the pin rule', () => {
  it('keeps the name as written and adds the digest', () => {
    for (const [written, want] of [
      ['nginx:1.27', `nginx:1.27@${D}`],
      ['docker.io/library/nginx:1.27', `docker.io/library/nginx:1.27@${D}`],
      ['localhost:5000/team/app:dev', `localhost:5000/team/app:dev@${D}`],
      ['nginx', `nginx:latest@${D}`],
      [`ghcr.io/a/b:1@${OLD}`, `ghcr.io/a/b:1@${D}`],
    ] as const)
      assert.equal(pinnedImage(written, ref(written), digest(D)), want, written);
    assert.equal(pinnedName(`nginx@${OLD}`, ref(`nginx@${OLD}`)), 'nginx:latest');
  });

  it('sets IfNotPresent only for :latest (or no tag) when no policy was declared', () => {
    assert.equal(pinnedPullPolicy(ref('nginx'), false), 'IfNotPresent');
    assert.equal(pinnedPullPolicy(ref('nginx:latest'), false), 'IfNotPresent');
    assert.equal(pinnedPullPolicy(ref('nginx:latest'), true), undefined);
    assert.equal(pinnedPullPolicy(ref('nginx:1.27'), false), undefined);
  });

  it('patches the kinds with a rollable Pod template only', () => {
    for (const kind of [
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'ReplicaSet',
      'CronJob',
      'Rollout',
    ])
      assert.ok(isPatchableKind(kind), kind);
    for (const kind of ['Pod', 'Job', 'ReplicationController', 'Unknown'])
      assert.ok(!isPatchableKind(kind), kind);
  });
});
