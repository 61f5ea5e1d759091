import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Digest } from './digest.ts';
import {
  describeOfferedPlatforms,
  formatPlatform,
  nodePlatformFromNodeInfo,
  parsePlatformSpecifier,
  rankPlatformChildren,
  selectPlatformChild,
} from './platform.ts';
import type { PlatformManifest } from './image-resolver.ts';

interface OracleCase {
  readonly node: string;
  readonly children: ReadonlyArray<{ readonly platform: string }>;
  readonly matches: readonly boolean[];
  readonly order: readonly number[];
}

// containerd/platforms itself (hack/platform-oracle) on containerd's TestOnly table and our cases.
const oracle = JSON.parse(
  readFileSync(new URL('../../test/fixtures/platform-oracle.json', import.meta.url), 'utf8'),
) as OracleCase[];

const digestFor = (i: number): Digest => `sha256:${i.toString(16).padStart(64, '0')}` as Digest;

function child(specifier: string, i: number): PlatformManifest {
  const base = { digest: digestFor(i), mediaType: 'application/vnd.oci.image.manifest.v1+json' };
  if (specifier === '')
    return {
      ...base,
      os: 'unknown',
      architecture: 'unknown',
      variant: undefined,
      hasPlatform: false,
    };
  const spec = parsePlatformSpecifier(specifier);
  assert.ok(spec, specifier);
  return {
    ...base,
    os: spec.os,
    architecture: spec.architecture,
    variant: spec.variant,
    osVersion: spec.osVersion,
  };
}

describe('containerd platforms.Only, as the oracle ran it', () => {
  assert.ok(oracle.length >= 30);
  for (const c of oracle) {
    it(`${c.node}: ${c.children.map((x) => x.platform || '(none)').join(' ')}`, () => {
      const node = parsePlatformSpecifier(c.node);
      assert.ok(node, c.node);
      const children = c.children.map((x, i) => child(x.platform, i));
      const ranked = rankPlatformChildren(children, node);
      assert.deepEqual(
        ranked.map((r) => children.indexOf(r)),
        c.order,
      );
      assert.equal(
        selectPlatformChild(children, node),
        c.order.length === 0 ? undefined : children[c.order[0] ?? -1],
      );
    });
  }
});

describe('the node platform from nodeInfo', () => {
  it('assumes arm64 v8 and arm v7 and says so', () => {
    const arm64 = nodePlatformFromNodeInfo({ operatingSystem: 'linux', architecture: 'arm64' });
    assert.deepEqual(arm64, {
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      variantAssumed: true,
    });
    assert.equal(formatPlatform(arm64), 'linux/arm64/v8 (assumed)');
    const arm = nodePlatformFromNodeInfo({ operatingSystem: 'linux', architecture: 'arm' });
    assert.equal(formatPlatform(arm), 'linux/arm/v7 (assumed)');
    assert.equal(
      formatPlatform(nodePlatformFromNodeInfo({ operatingSystem: 'linux', architecture: 'amd64' })),
      'linux/amd64',
    );
  });

  it('takes a Windows node build from its kernel version', () => {
    const node = nodePlatformFromNodeInfo({
      operatingSystem: 'windows',
      architecture: 'amd64',
      kernelVersion: '10.0.20348.2340',
    });
    const children = [
      child('windows(10.0.17763.5820)/amd64', 1),
      child('windows(10.0.20348.2340)/amd64', 2),
    ];
    assert.equal(selectPlatformChild(children, node)?.digest, digestFor(2));
    // A Linux kernel version is not a Windows build.
    assert.equal(
      nodePlatformFromNodeInfo({
        operatingSystem: 'linux',
        architecture: 'amd64',
        kernelVersion: '6.1.0',
      }).osVersion,
      undefined,
    );
  });

  it('parses --platform specifiers and rejects malformed ones', () => {
    assert.deepEqual(parsePlatformSpecifier('linux/arm64/v8'), {
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      osVersion: undefined,
    });
    for (const bad of ['linux', 'linux/', '/amd64', 'linux/amd64/v8/x', 'linux amd64'])
      assert.equal(parsePlatformSpecifier(bad), undefined, bad);
  });

  it('names what an index offers', () => {
    assert.equal(
      describeOfferedPlatforms([child('linux/amd64', 1), child('linux/arm/v7', 2), child('', 3)]),
      'linux/amd64, linux/arm/v7, (no platform)',
    );
  });
});
