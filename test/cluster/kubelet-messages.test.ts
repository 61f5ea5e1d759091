// The kubelet stand-in's pure parts: Go duration strings, message forms, node image caps, and how
// a runtime's image store moves tags.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FakeImageStore,
  containerdStatusImage,
  crioStatusImage,
} from '../../harness/kubelet/fake-image-store.ts';
import { fakeRegistryImage } from '../../harness/kubelet/fake-registry-state.ts';
import {
  formatGoDuration,
  imageWithDefaultTag,
  kubeletMessages,
  nodeStatusImages,
} from '../../harness/kubelet/kubelet-messages.ts';

describe('kubelet message forms', () => {
  it("formats durations like Go's time.Duration.String()", () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [7, '7ms'],
      [999, '999ms'],
      [1000, '1s'],
      [1500, '1.5s'],
      [1234, '1.234s'],
      [60_000, '1m0s'],
      [61_200, '1m1.2s'],
      [3_600_000, '1h0m0s'],
      [3_723_004, '1h2m3.004s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, String(ms));
  });

  it('applies the default tag only where the kubelet does', () => {
    assert.equal(imageWithDefaultTag('nginx'), 'nginx:latest');
    assert.equal(imageWithDefaultTag('nginx:1.27'), 'nginx:1.27');
    assert.equal(
      imageWithDefaultTag(`nginx@sha256:${'a'.repeat(64)}`),
      `nginx@sha256:${'a'.repeat(64)}`,
    );
    assert.equal(kubeletMessages.pulling('nginx'), 'Pulling image "nginx:latest"');
    assert.equal(
      kubeletMessages.alreadyPresent('nginx', false),
      'Container image "nginx" already present on machine',
    );
  });
});

describe('runtime image store', () => {
  it('moves a tag on pull; containerd then shows the old image by its ID, CRI-O keeps the name', () => {
    const store = new FakeImageStore();
    const v1 = fakeRegistryImage('v1');
    const v2 = fakeRegistryImage('v2');
    store.recordPull('nginx:1.27', v1);
    const old = store.recordPull('nginx:1.27', v1);
    assert.deepEqual(containerdStatusImage(old), {
      image: 'docker.io/library/nginx:1.27',
      imageID: `docker.io/library/nginx@${v1.digest}`,
    });
    store.recordPull('nginx:1.27', v2);
    const stale = store.byId(v1.configDigest)!;
    assert.deepEqual(containerdStatusImage(stale), {
      image: v1.configDigest,
      imageID: `docker.io/library/nginx@${v1.digest}`,
    });
    assert.equal(
      crioStatusImage(store.lookup('nginx:1.27')!, 'nginx:1.27').image,
      'docker.io/library/nginx:1.27',
    );
    assert.equal(store.lookup(`nginx@${v1.digest}`)?.id, v1.configDigest);
    assert.equal(store.lookup('nginx:latest'), undefined);
  });

  it('pulls by name:tag@digest record the digest and no tag (containerd drops the tag)', () => {
    const store = new FakeImageStore();
    const v1 = fakeRegistryImage('v1');
    const image = store.recordPull(`nginx:1.27@${v1.digest}`, v1);
    assert.deepEqual(
      [image.repoTags, image.repoDigests],
      [[], [`docker.io/library/nginx@${v1.digest}`]],
    );
  });

  it('caps node.status.images at the largest N and 5 names, digests before tags', () => {
    const images = Array.from({ length: 3 }, (_, i) => ({
      id: `sha256:${i}`,
      repoTags: ['t:b', 't:a'],
      repoDigests: ['d@2', 'd@1', 'd@3', 'd@4'],
      sizeBytes: i,
    }));
    assert.deepEqual(nodeStatusImages(images, 2), [
      { names: ['d@1', 'd@2', 'd@3', 'd@4', 't:a'], sizeBytes: 2 },
      { names: ['d@1', 'd@2', 'd@3', 'd@4', 't:a'], sizeBytes: 1 },
    ]);
    assert.equal(nodeStatusImages(images, -1).length, 3);
    assert.equal(nodeStatusImages(images, 0).length, 0);
  });
});
