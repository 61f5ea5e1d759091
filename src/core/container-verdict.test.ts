import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from './digest.ts';
import { formatReference, type ImageReference } from './image-reference.ts';
import {
  judgeContainer,
  judgeWorkload,
  type ContainerVerdict,
  type Lookup,
  type RegistryFacts,
  type RunningContainer,
} from './container-verdict.ts';
import type {
  ConfigDigestResult,
  PlatformManifest,
  PlatformsResult,
  TagResolution,
} from './image-resolver.ts';

const d = (c: string): Digest => `sha256:${c.repeat(64).slice(0, 64)}` as Digest;
const INDEX = d('1');
const AMD = d('2');
const ARM = d('3');
const AMD_CONFIG = d('4');
const ARM_CONFIG = d('5');
const OLD_INDEX = d('6');
const OLD_AMD = d('7');
const OLD_AMD_CONFIG = d('8');
const SINGLE = d('9');
const SINGLE_CONFIG = d('a');
const OLD_SINGLE = d('b');
// Rule (d): older indexes of the tag. REINDEXED's amd64 child is the current one (a platform was
// added since); REBUILT's amd64 child is another manifest with the current config.
const REINDEXED = d('c');
const REBUILT = d('d');
const REBUILT_AMD = d('e');

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };
const child = (digest: Digest, architecture: string, variant?: string): PlatformManifest => ({
  os: 'linux',
  architecture,
  variant,
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
});

/** A fake registry: app:multi → INDEX (amd64 AMD, arm64/v8 ARM), app:single → SINGLE, app:down fails. */
function registry(): { facts: RegistryFacts; answer(lookup: Lookup): void; asked: string[] } {
  const tags = new Map<string, TagResolution>();
  const platforms = new Map<string, PlatformsResult>();
  const configs = new Map<string, ConfigDigestResult>();
  const asked: string[] = [];
  const ok = (digest: Digest): TagResolution => ({
    ok: true,
    value: {
      digest,
      mediaType:
        digest === INDEX
          ? 'application/vnd.oci.image.index.v1+json'
          : 'application/vnd.oci.image.manifest.v1+json',
      size: 1,
      credentialSource: { kind: 'anonymous', detail: '' },
    },
  });
  const failure = (kind: 'unreachable' | 'unauthorized'): TagResolution => ({
    ok: false,
    failure: { kind, registry: 'r', repository: 'app', message: `${kind} test` },
  });
  const TAGS: Record<string, TagResolution> = {
    'reg.test/app:multi': ok(INDEX),
    'reg.test/app:single': ok(SINGLE),
    'reg.test/app:down': failure('unreachable'),
    'reg.test/app:private': failure('unauthorized'),
    'reg.test/app:v1': ok(SINGLE),
  };
  const PLATFORMS: Record<string, PlatformManifest[]> = {
    [INDEX]: [child(AMD, 'amd64'), child(ARM, 'arm64', 'v8')],
    [OLD_INDEX]: [child(OLD_AMD, 'amd64')],
    [SINGLE]: [],
    [OLD_SINGLE]: [],
    [REINDEXED]: [child(AMD, 'amd64')],
    [REBUILT]: [child(REBUILT_AMD, 'amd64'), child(ARM, 'arm64')],
  };
  const CONFIGS: Record<string, Digest> = {
    [AMD]: AMD_CONFIG,
    [ARM]: ARM_CONFIG,
    [OLD_AMD]: OLD_AMD_CONFIG,
    [SINGLE]: SINGLE_CONFIG,
    [REBUILT_AMD]: AMD_CONFIG,
  };
  const facts: RegistryFacts = {
    tag: (ref) => tags.get(formatReference({ ...ref, digest: undefined })),
    platforms: (ref, digest) => platforms.get(`${ref.domain}/${ref.path}@${digest}`),
    config: (ref, digest) => configs.get(`${ref.domain}/${ref.path}@${digest}`),
  };
  const answer = (lookup: Lookup): void => {
    asked.push(lookup.kind);
    const at = (ref: ImageReference, digest: Digest): string =>
      `${ref.domain}/${ref.path}@${digest}`;
    if (lookup.kind === 'tag') {
      const key = formatReference({ ...lookup.ref, digest: undefined });
      tags.set(key, TAGS[key] ?? failure('unreachable'));
    } else if (lookup.kind === 'platforms') {
      platforms.set(at(lookup.ref, lookup.digest), {
        ok: true,
        platforms: PLATFORMS[lookup.digest] ?? [],
      });
    } else {
      const config = CONFIGS[lookup.digest];
      configs.set(
        at(lookup.ref, lookup.digest),
        config
          ? { ok: true, configDigest: config }
          : {
              ok: false,
              failure: { kind: 'protocol', registry: 'r', repository: 'app', message: 'no config' },
            },
      );
    }
  };
  return { facts, answer, asked };
}

/** Drives judge → lookups → judge as the status use case does. */
function settle(container: RunningContainer): { verdict: ContainerVerdict; asked: string[] } {
  const reg = registry();
  for (let round = 0; round < 6; round++) {
    const judgement = judgeContainer(container, reg.facts);
    if ('verdict' in judgement) return { verdict: judgement.verdict, asked: reg.asked };
    judgement.needs.forEach((lookup) => reg.answer(lookup));
  }
  throw new Error('did not settle');
}

describe('judgeContainer (semantics doc §4.2)', () => {
  const table: Array<
    [
      string,
      RunningContainer,
      Partial<ContainerVerdict> & { verdict: ContainerVerdict['verdict'] },
      string[]?,
    ]
  > = [
    [
      'containerd, single manifest, same digest → fresh',
      { specImage: 'reg.test/app:single', imageId: `reg.test/app@${SINGLE}`, node: amd64 },
      { verdict: 'fresh', matchedBy: 'digest' },
      ['tag'],
    ],
    [
      'containerd, single manifest, old digest → stale',
      { specImage: 'reg.test/app:single', imageId: `reg.test/app@${OLD_SINGLE}`, node: amd64 },
      { verdict: 'stale', running: OLD_SINGLE, current: SINGLE },
      ['tag'],
    ],
    [
      're-indexed tag: an older index whose amd64 child is the current one → fresh (d)',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${REINDEXED}`, node: amd64 },
      { verdict: 'fresh', matchedBy: 'content' },
      ['tag', 'platforms', 'platforms'],
    ],
    [
      're-indexed tag: another child manifest with the same config → fresh (d)',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${REBUILT}`, node: amd64 },
      { verdict: 'fresh', matchedBy: 'content' },
      ['tag', 'platforms', 'platforms', 'config', 'config'],
    ],
    [
      'an older index whose child for the node differs in content → stale',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${OLD_INDEX}`, node: amd64 },
      { verdict: 'stale', running: OLD_INDEX, current: INDEX },
    ],
    [
      're-indexed tag seen from arm64: the old index has no arm64 child → stale',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${REINDEXED}`, node: arm64 },
      { verdict: 'stale', running: REINDEXED, current: INDEX },
    ],
    [
      'containerd, multi-arch, index digest → fresh',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${INDEX}`, node: amd64 },
      { verdict: 'fresh', matchedBy: 'digest' },
      ['tag'],
    ],
    [
      "CRI-O, multi-arch, this node's child → fresh",
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${AMD}`, node: amd64 },
      { verdict: 'fresh', matchedBy: 'platform-child' },
    ],
    [
      'CRI-O, multi-arch, a child of the old index → stale',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${OLD_AMD}`, node: amd64 },
      { verdict: 'stale', running: OLD_AMD },
    ],
    [
      'containerd, old index digest → stale',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/app@${OLD_INDEX}`, node: amd64 },
      { verdict: 'stale', running: OLD_INDEX },
    ],
    [
      'bare image ID = the amd64 child config → fresh',
      { specImage: 'reg.test/app:multi', imageId: AMD_CONFIG, node: amd64 },
      { verdict: 'fresh', matchedBy: 'config' },
    ],
    [
      'bare image ID on arm64 = the arm64/v8 child config → fresh',
      { specImage: 'reg.test/app:multi', imageId: ARM_CONFIG, node: arm64 },
      { verdict: 'fresh', matchedBy: 'config' },
    ],
    [
      'bare image ID of the old image → stale',
      { specImage: 'reg.test/app:multi', imageId: OLD_AMD_CONFIG, node: amd64 },
      { verdict: 'stale' },
    ],
    [
      'CRI-O bare 64-hex ID of a single manifest → fresh',
      { specImage: 'reg.test/app:single', imageId: SINGLE_CONFIG.slice(7), node: amd64 },
      { verdict: 'fresh', matchedBy: 'config' },
    ],
    [
      'a repo digest of another repository with the same config → fresh',
      { specImage: 'reg.test/app:single', imageId: `reg.test/other@${SINGLE}`, node: amd64 },
      { verdict: 'fresh', matchedBy: 'digest' },
    ],
    [
      'a repo digest of another repository, old content → stale',
      { specImage: 'reg.test/app:multi', imageId: `reg.test/other@${OLD_AMD}`, node: amd64 },
      { verdict: 'stale' },
    ],
    [
      'no imageID yet → unknown',
      { specImage: 'reg.test/app:single', imageId: '', node: amd64 },
      { verdict: 'unknown', reason: 'no-image-id' },
    ],
    [
      'an unparsable imageID → unknown',
      { specImage: 'reg.test/app:single', imageId: 'what?', node: amd64 },
      { verdict: 'unknown', reason: 'unparsable-image-id' },
    ],
    [
      'registry unreachable → unknown, never fresh or stale',
      { specImage: 'reg.test/app:down', imageId: `reg.test/app@${SINGLE}`, node: amd64 },
      { verdict: 'unknown', reason: 'registry', failureKind: 'unreachable' },
    ],
    [
      'registry unauthorized → unknown',
      { specImage: 'reg.test/app:private', imageId: `reg.test/app@${SINGLE}`, node: amd64 },
      { verdict: 'unknown', reason: 'registry', failureKind: 'unauthorized' },
    ],
    [
      'an invalid image → unknown',
      { specImage: 'Reg/App', imageId: `reg.test/app@${SINGLE}`, node: amd64 },
      { verdict: 'unknown', reason: 'invalid-image' },
    ],
    [
      'a bare image ID on an unknown node → unknown',
      { specImage: 'reg.test/app:multi', imageId: AMD_CONFIG, node: undefined },
      { verdict: 'unknown', reason: 'unknown-node' },
    ],
    [
      'no child for the node platform → unknown',
      {
        specImage: 'reg.test/app:multi',
        imageId: AMD_CONFIG,
        node: { os: 'windows', architecture: 'amd64' },
      },
      { verdict: 'unknown', reason: 'no-matching-platform' },
    ],
    [
      'digest only → pinned, no registry request',
      {
        specImage: `reg.test/app@${OLD_SINGLE}`,
        imageId: `reg.test/app@${OLD_SINGLE}`,
        node: amd64,
      },
      { verdict: 'pinned', tagCheck: 'no-tag' },
      [],
    ],
    [
      'tag@digest, tag unchanged → pinned',
      { specImage: `reg.test/app:v1@${SINGLE}`, imageId: `reg.test/app@${SINGLE}`, node: amd64 },
      { verdict: 'pinned', tagCheck: 'same' },
      ['tag'],
    ],
    [
      'tag@digest, tag moved → pinned-behind',
      {
        specImage: `reg.test/app:v1@${OLD_SINGLE}`,
        imageId: `reg.test/app@${OLD_SINGLE}`,
        node: amd64,
      },
      { verdict: 'pinned-behind', pinned: OLD_SINGLE, current: SINGLE },
    ],
    [
      'tag@digest, registry down → pinned, tag check unknown',
      {
        specImage: `reg.test/app:down@${OLD_SINGLE}`,
        imageId: `reg.test/app@${OLD_SINGLE}`,
        node: amd64,
      },
      { verdict: 'pinned', tagCheck: 'unknown' },
    ],
  ];
  for (const [label, container, expected, asked] of table) {
    it(label, () => {
      const result = settle(container);
      assert.deepEqual(
        Object.fromEntries(
          Object.keys(expected).map((k) => [k, (result.verdict as Record<string, unknown>)[k]]),
        ),
        expected,
      );
      if (asked !== undefined) assert.deepEqual(result.asked, asked);
    });
  }
});

describe('judgeWorkload', () => {
  const fresh: ContainerVerdict = {
    verdict: 'fresh',
    running: INDEX,
    current: INDEX,
    matchedBy: 'digest',
  };
  const staleA: ContainerVerdict = { verdict: 'stale', running: OLD_INDEX, current: INDEX };
  const staleB: ContainerVerdict = { verdict: 'stale', running: OLD_SINGLE, current: INDEX };
  const unknown: ContainerVerdict = { verdict: 'unknown', reason: 'registry', message: 'x' };
  const pinned: ContainerVerdict = { verdict: 'pinned', pinned: SINGLE, tagCheck: 'same' };
  const behind: ContainerVerdict = {
    verdict: 'pinned-behind',
    pinned: OLD_SINGLE,
    current: SINGLE,
  };
  const table: Array<[string, ContainerVerdict[], string]> = [
    ['all fresh', [fresh, fresh], 'fresh'],
    ['all on the same old digest', [staleA, staleA], 'stale'],
    ['fresh and stale replicas', [fresh, staleA], 'mixed'],
    ['two different old digests', [staleA, staleB], 'mixed'],
    ['unknown with fresh', [fresh, unknown], 'unknown'],
    ['unknown cannot hide a proven mix', [fresh, staleA, unknown], 'mixed'],
    ['all pinned', [pinned, pinned], 'pinned'],
    ['one pinned-behind', [pinned, behind], 'pinned-behind'],
    ['nothing', [], 'unknown'],
  ];
  for (const [label, verdicts, expected] of table)
    it(`${label} → ${expected}`, () => assert.equal(judgeWorkload(verdicts), expected));
});
