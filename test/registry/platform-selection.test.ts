// Which index child a node runs, on a real distribution registry: `kube-fresh resolve --platform`
// (the built binary) and the verdict of a container on a re-indexed tag (rule (d)), with indexes
// of many children, children without a platform, Windows os.version and Docker manifest lists.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { judgeContainer, type ContainerVerdict } from '../../src/core/container-verdict.ts';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import { createRegistryClient } from '../../src/registry/create-registry-client.ts';
import { defaultRegistryConfig } from '../../src/registry/registry-config.ts';
import { RegistryFactStore } from '../../src/usecases/registry-facts.ts';
import { runCli } from '../support/run-cli.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';

interface Resolved {
  input: string;
  digest: string | null;
  platforms?: unknown;
  selected?: { forPlatform: string; digest: string; platform: string | null };
  error?: { kind: string; message: string };
}

describe('index child selection on a real registry', () => {
  let registry: TestRegistry;
  let home: string;

  before(async () => {
    registry = await startRegistry('plain');
    home = await mkdtemp(join(tmpdir(), 'kube-fresh-platform-'));
  });
  after(async () => {
    await registry.pusher.close();
    await registry.stop();
    await rm(home, { recursive: true, force: true });
  });

  const resolve = async (
    platform: string,
    ...images: string[]
  ): Promise<{ code: number; results: Resolved[]; stderr: string }> => {
    const r = await runCli(['resolve', '-o', 'json', '--platform', platform, ...images], {
      env: { HOME: home },
    });
    return { code: r.code ?? -1, results: JSON.parse(r.stdout) as Resolved[], stderr: r.stderr };
  };

  it('picks the child containerd would, by fallback vector and rank, and fails naming what is offered', async () => {
    const p = registry.pusher;
    const [amd64, armv7, arm64, i386, bare, armv5, amd64v2] = await Promise.all([
      p.pushImage('plat/multi', undefined, 'oci', { os: 'linux', architecture: 'amd64' }),
      p.pushImage('plat/multi', undefined, 'oci', {
        os: 'linux',
        architecture: 'arm',
        variant: 'v7',
      }),
      p.pushImage('plat/multi', undefined, 'oci', {
        os: 'linux',
        architecture: 'arm64',
        variant: 'v8',
      }),
      p.pushImage('plat/multi', undefined, 'oci', { os: 'linux', architecture: '386' }),
      p.pushImage('plat/multi', undefined),
      p.pushImage('plat/multi', undefined, 'oci', {
        os: 'linux',
        architecture: 'arm',
        variant: 'v5',
      }),
      p.pushImage('plat/multi', undefined, 'oci', {
        os: 'linux',
        architecture: 'amd64',
        variant: 'v2',
      }),
    ]);
    // An index with a child without a platform first (e.g. an attestation written carelessly).
    const full = await p.pushIndexOf('plat/multi', 'full', [
      { manifest: bare, platform: null },
      { manifest: i386, platform: i386.platform },
      { manifest: armv7, platform: armv7.platform },
      { manifest: arm64, platform: arm64.platform },
      { manifest: amd64, platform: amd64.platform },
    ]);
    const arm32 = await p.pushIndexOf('plat/multi', 'arm32', [
      { manifest: armv5, platform: armv5.platform },
      { manifest: armv7, platform: armv7.platform },
    ]);
    const v2only = await p.pushIndexOf(
      'plat/multi',
      'v2',
      [
        { manifest: amd64v2, platform: amd64v2.platform },
        { manifest: i386, platform: i386.platform },
      ],
      'docker',
    );
    const noBare = await p.pushIndexOf('plat/multi', 'nobare', [
      { manifest: armv7, platform: armv7.platform },
      { manifest: arm64, platform: arm64.platform },
    ]);
    const img = (tag: string): string => `${registry.host}/plat/multi:${tag}`;

    const cases: Array<[string, string, string | null]> = [
      ['linux/amd64', 'full', amd64.digest],
      ['linux/x86_64', 'full', amd64.digest],
      ['linux/aarch64', 'full', arm64.digest],
      ['linux/arm64', 'arm32', armv7.digest], // arm64 runs 32-bit arm v8..v5, best first
      ['linux/arm/v6', 'arm32', armv5.digest], // v7 is above the node's v6
      ['linux/arm', 'full', armv7.digest],
      ['linux/amd64', 'v2', i386.digest], // amd64/v2 refused on a plain amd64, 386 runs
      ['linux/amd64/v3', 'v2', amd64v2.digest],
      ['linux/ppc64le', 'full', bare.digest], // only the platform-less child is left
    ];
    for (const [platform, tag, want] of cases) {
      const { code, results, stderr } = await resolve(platform, img(tag));
      assert.equal(code, 0, `${platform} ${tag}: ${stderr}`);
      assert.equal(results[0]?.selected?.digest, want, `${platform} on :${tag}`);
      assert.equal(results[0]?.platforms, undefined, 'only the child, not the list');
    }
    const digests = { full: full.digest, arm32: arm32.digest, v2: v2only.digest };
    assert.equal((await resolve('linux/amd64', img('full'))).results[0]?.digest, digests.full);

    const none = await resolve('linux/s390x', img('nobare'), img('full'));
    assert.equal(none.code, 1);
    assert.equal(none.results[0]?.error?.kind, 'no-matching-platform');
    assert.match(
      none.results[0]?.error?.message ?? '',
      /linux\/s390x.*linux\/arm\/v7, linux\/arm64\/v8/,
    );
    assert.equal(none.results[0]?.digest, noBare.digest);
    assert.equal(none.results[1]?.selected?.platform, null);

    const text = await runCli(['resolve', '--platform', 'linux/arm64', img('full')], {
      env: { HOME: home },
    });
    assert.equal(
      text.stdout,
      `${img('full')} → ${full.digest} (application/vnd.oci.image.index.v1+json)\n` +
        `  on linux/arm64 → ${arm64.digest} (linux/arm64/v8)\n`,
    );
    const usage = await runCli(['resolve', '--platform', 'arm64', img('full')], {
      env: { HOME: home },
    });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /OS\/ARCH/);
  });

  it('matches Windows children by os.version against the host build', async () => {
    const p = registry.pusher;
    const win = (osVersion: string) =>
      p.pushImage('plat/win', undefined, 'oci', {
        os: 'windows',
        architecture: 'amd64',
        osVersion,
      });
    const [ltsc2019, ltsc2022, ltsc2025] = await Promise.all([
      win('10.0.17763.5820'),
      win('10.0.20348.2340'),
      win('10.0.26100.1000'),
    ]);
    await p.pushIndexOf(
      'plat/win',
      'v1',
      [ltsc2019, ltsc2022, ltsc2025].map((m) => ({ manifest: m, platform: m.platform })),
    );
    const image = `${registry.host}/plat/win:v1`;
    const pick = async (platform: string) => (await resolve(platform, image)).results[0];
    assert.equal((await pick('windows(10.0.17763)/amd64'))?.selected?.digest, ltsc2019.digest);
    assert.equal((await pick('windows(10.0.20348)/amd64'))?.selected?.digest, ltsc2022.digest);
    // A 2025 host also runs ltsc2022 containers; index order breaks the tie.
    assert.equal((await pick('windows(10.0.26100)/amd64'))?.selected?.digest, ltsc2022.digest);
    const old = await pick('windows(10.0.14393)/amd64');
    assert.equal(old?.error?.kind, 'no-matching-platform');
    assert.match(old?.error?.message ?? '', /windows\(10\.0\.17763\.5820\)\/amd64/);
  });

  it('judges a container on a re-indexed tag fresh by content, and a rebuilt one stale', async () => {
    const p = registry.pusher;
    const amd64 = await p.pushImage('plat/reindex', undefined, 'oci', {
      os: 'linux',
      architecture: 'amd64',
    });
    const before = await p.pushIndexOf('plat/reindex', 'v1', [
      { manifest: amd64, platform: amd64.platform },
    ]);
    // A platform is added: a new index digest, the same amd64 bits.
    const arm64 = await p.pushImage('plat/reindex', undefined, 'oci', {
      os: 'linux',
      architecture: 'arm64',
    });
    const after1 = await p.pushIndexOf('plat/reindex', 'v1', [
      { manifest: amd64, platform: amd64.platform },
      { manifest: arm64, platform: arm64.platform },
    ]);
    assert.notEqual(before.digest, after1.digest);
    // One client per question: a client remembers what a tag pointed to for its run.
    const judge = async (imageId: string, architecture: string): Promise<ContainerVerdict> => {
      const client = createRegistryClient(defaultRegistryConfig(), NO_CREDENTIALS);
      try {
        const facts = new RegistryFactStore(client.resolver);
        for (;;) {
          const j = judgeContainer(
            {
              specImage: `${registry.host}/plat/reindex:v1`,
              imageId,
              node: { os: 'linux', architecture },
            },
            facts,
          );
          if ('verdict' in j) return j.verdict;
          await facts.fetch(j.needs);
        }
      } finally {
        await client.close();
      }
    };
    const onAmd = await judge(`${registry.host}/plat/reindex@${before.digest}`, 'amd64');
    assert.deepEqual(
      [onAmd.verdict, 'matchedBy' in onAmd && onAmd.matchedBy],
      ['fresh', 'content'],
    );
    // The amd64 image is rebuilt: the old index's bits are no longer what the tag selects.
    const rebuilt = await p.pushImage('plat/reindex', undefined, 'oci', {
      os: 'linux',
      architecture: 'amd64',
    });
    await p.pushIndexOf('plat/reindex', 'v1', [
      { manifest: rebuilt, platform: rebuilt.platform },
      { manifest: arm64, platform: arm64.platform },
    ]);
    assert.equal(
      (await judge(`${registry.host}/plat/reindex@${before.digest}`, 'amd64')).verdict,
      'stale',
    );
    // The arm64 child did not change across the re-index.
    const onArm = await judge(`${registry.host}/plat/reindex@${after1.digest}`, 'arm64');
    assert.equal(onArm.verdict, 'fresh');
  });
});
