// Which child of an image index a node runs, as containerd's CRI picks it: `platforms.Only(<the
// node's default spec>)` keeps the children that match, a stable sort ranks them by the position of
// the first matching entry in the node's compatibility vector (children with no platform are kept,
// last), and the first wins (containerd/platforms compare.go, database.go, platforms.go,
// platform_windows_compat.go; core/images FilterPlatforms + LimitManifests). Checked against the
// library itself through test/fixtures/platform-oracle.json (hack/platform-oracle).

import type { PlatformManifest } from './image-resolver.ts';

/** A platform as a node or an index child states it; fields as written, before normalisation. */
export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
  /** Windows build, `major.minor.build[.revision]`; children carry it as `os.version`. */
  readonly osVersion?: string | undefined;
}

/** A node's platform; `variantAssumed` says the variant was not reported and is containerd's default. */
export interface NodePlatform extends PlatformSpec {
  readonly variantAssumed?: boolean;
}

/** containerd's `Normalize`: OS lower-cased, architecture aliases folded, default variants. */
export function normalizePlatform(p: PlatformSpec): PlatformSpec {
  const os = p.os.toLowerCase() === 'macos' ? 'darwin' : p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = (p.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'i386':
      architecture = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      else if (variant === '9' || variant === '9.0' || variant === 'v9.0') variant = 'v9';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (variant === '5' || variant === '6' || variant === '8') variant = `v${variant}`;
      break;
  }
  return {
    os,
    architecture,
    variant: variant === '' ? undefined : variant,
    osVersion: p.osVersion,
  };
}

// arm64 variants and the older ones each runs (containerd's arm64variantToVersion): v9.x also
// runs v8.{0..x+5}, capped at v8.9.
function arm64Variants(variant: string): string[] | undefined {
  const m = /^v(8|9)(?:\.(\d))?$/.exec(variant);
  if (m === null) return undefined;
  const major = Number(m[1]);
  const minor = m[2] === undefined ? 0 : Number(m[2]);
  if (major === 9 && minor > 7) return undefined;
  const ranges: Array<[number, number]> =
    major === 8
      ? [[8, minor]]
      : [
          [9, minor],
          [8, Math.min(minor + 5, 9)],
        ];
  return ranges.flatMap(([maj, top]) =>
    Array.from({ length: top + 1 }, (_, i) => top - i).map((mi) =>
      mi === 0 ? `v${maj}` : `v${maj}.${mi}`,
    ),
  );
}

/** containerd's `platformVector`: what a node runs, best first. */
export function platformVector(node: PlatformSpec): PlatformSpec[] {
  const base = { os: node.os, osVersion: node.osVersion };
  const variant = node.variant ?? '';
  switch (node.architecture) {
    case 'amd64': {
      const out: PlatformSpec[] = [node];
      const level = versionNumber(variant);
      if (level !== undefined && level > 1)
        for (let v = level - 1; v >= 1; v--)
          out.push({ ...base, architecture: 'amd64', variant: `v${v}` });
      out.push({ ...base, architecture: '386' });
      return out;
    }
    case 'arm': {
      const out: PlatformSpec[] = [node];
      const level = versionNumber(variant);
      if (level !== undefined && level > 5)
        for (let v = level - 1; v >= 5; v--)
          out.push({ ...base, architecture: 'arm', variant: `v${v}` });
      return out;
    }
    case 'arm64': {
      const effective = variant === '' ? 'v8' : variant;
      const variants = arm64Variants(effective);
      // An arm64 variant containerd does not know runs nothing at all.
      if (variants === undefined) return [];
      const arm64 = variants.map((v) => ({ ...base, architecture: 'arm64', variant: v }));
      // Every arm64 v8.x/v9.x also runs 32-bit arm v8 and below.
      return [...arm64, ...platformVector({ ...base, architecture: 'arm', variant: 'v8' })];
    }
    default:
      return [node];
  }
}

function versionNumber(variant: string): number | undefined {
  const digits = variant.startsWith('v') ? variant.slice(1) : variant;
  return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** containerd's matcher for one vector entry against one child. */
function entryMatches(entry: PlatformSpec, child: PlatformSpec): boolean {
  const want = normalizePlatform(entry);
  const got = normalizePlatform(child);
  return (
    want.os === got.os &&
    want.architecture === got.architecture &&
    (want.variant ?? '') === (got.variant ?? '') &&
    (want.os !== 'windows' || windowsVersionMatches(entry.osVersion, child.osVersion))
  );
}

interface WindowsVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}

// containerd's getWindowsOSVersion: `major.minor.build[...]`; anything else is "empty".
function windowsVersion(text: string | undefined): WindowsVersion | undefined {
  if (text === undefined || text.split('.').length < 3) return undefined;
  const [major, minor, build] = text.split('.');
  const n = (s: string | undefined, max: number): number | undefined =>
    s !== undefined && /^\d+$/.test(s) && Number(s) <= max ? Number(s) : undefined;
  const parts = [n(major, 255), n(minor, 255), n(build, 65535)];
  if (parts.some((p) => p === undefined)) return undefined;
  const [ma, mi, bu] = parts as [number, number, number];
  return ma === 0 && mi === 0 && bu === 0 ? undefined : { major: ma, minor: mi, build: bu };
}

// Windows Server LTSC builds with a stable ABI (ltsc2022, ltsc2025), ascending.
const LTSC_2022 = 20348;
const COMPAT_LTSC_RELEASES = [LTSC_2022, 26100];

/**
 * containerd's host/container rule: same major.minor; a host before ltsc2022 needs the exact
 * build; a later host runs containers from the latest LTSC before it up to its own build. An
 * unknown host version or a child without one matches.
 */
function windowsVersionMatches(host: string | undefined, container: string | undefined): boolean {
  const h = windowsVersion(host);
  if (h === undefined || container === undefined || container === '') return true;
  const c = windowsVersion(container) ?? { major: 0, minor: 0, build: 0 };
  if (h.major !== c.major || h.minor !== c.minor) return false;
  if (h.build < LTSC_2022) return h.build === c.build;
  const floor = [...COMPAT_LTSC_RELEASES].reverse().find((r) => h.build > r) ?? LTSC_2022;
  return floor <= c.build && c.build <= h.build;
}

/** The platform a child states; undefined for a child with no `platform` object. */
function childPlatform(child: PlatformManifest, node: PlatformSpec): PlatformSpec | undefined {
  if (child.hasPlatform === false) return undefined;
  // containerd normalises an empty OS to its own host's OS, which is the node's.
  return {
    os: child.os === '' ? node.os : child.os,
    architecture: child.architecture,
    variant: child.variant,
    osVersion: child.osVersion,
  };
}

/** The children a node of this platform may run, best first; children without a platform last. */
export function rankPlatformChildren(
  children: readonly PlatformManifest[],
  node: PlatformSpec,
): PlatformManifest[] {
  const vector = platformVector(normalizePlatform(node));
  const ranked = children.flatMap((child, index) => {
    const platform = childPlatform(child, node);
    if (platform === undefined) return [{ child, index, rank: Number.POSITIVE_INFINITY }];
    const rank = vector.findIndex((entry) => entryMatches(entry, platform));
    return rank < 0 ? [] : [{ child, index, rank }];
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map((r) => r.child);
}

/** The index child a node with this platform pulls, or undefined when none fits. */
export function selectPlatformChild(
  children: readonly PlatformManifest[],
  node: PlatformSpec,
): PlatformManifest | undefined {
  return rankPlatformChildren(children, node)[0];
}

/**
 * The node's platform from `node.status.nodeInfo`. The API reports no CPU variant; containerd
 * reads it from /proc/cpuinfo, so arm is assumed v7 and arm64 v8 (and said so). On Windows the
 * host build is the kernel version (`10.0.20348.2340`).
 */
export function nodePlatformFromNodeInfo(info: {
  readonly operatingSystem: string;
  readonly architecture: string;
  readonly kernelVersion?: string | undefined;
}): NodePlatform {
  const normalized = normalizePlatform({
    os: info.operatingSystem,
    architecture: info.architecture,
  });
  const assumed =
    normalized.architecture === 'arm'
      ? 'v7'
      : normalized.architecture === 'arm64'
        ? 'v8'
        : undefined;
  return {
    os: info.operatingSystem,
    architecture: info.architecture,
    ...(assumed === undefined ? {} : { variant: assumed, variantAssumed: true }),
    ...(normalized.os === 'windows' && info.kernelVersion !== undefined
      ? { osVersion: info.kernelVersion }
      : {}),
  };
}

/** `os/arch[/variant]` for humans, `(assumed)` after a variant the node did not report. */
export function formatPlatform(p: PlatformSpec & { readonly variantAssumed?: boolean }): string {
  const os = p.osVersion === undefined ? p.os : `${p.os}(${p.osVersion})`;
  const variant =
    p.variant === undefined ? '' : `/${p.variant}${p.variantAssumed === true ? ' (assumed)' : ''}`;
  return `${os}/${p.architecture}${variant}`;
}

/** Parses `os[(osversion)]/arch[/variant]` as `--platform` takes it; undefined when malformed. */
export function parsePlatformSpecifier(text: string): PlatformSpec | undefined {
  const m = /^([a-zA-Z0-9_-]+)(?:\(([0-9.]+)\))?\/([a-zA-Z0-9_-]+)(?:\/([a-zA-Z0-9_.-]+))?$/.exec(
    text,
  );
  if (m === null) return undefined;
  const [, os = '', osVersion, architecture = '', variant] = m;
  return { os, architecture, variant, osVersion };
}

/** The platforms an index offers, for messages (`linux/amd64, linux/arm64/v8`). */
export function describeOfferedPlatforms(children: readonly PlatformManifest[]): string {
  const named = children.map((c) =>
    c.hasPlatform === false
      ? '(no platform)'
      : formatPlatform({
          os: c.os,
          architecture: c.architecture,
          variant: c.variant,
          osVersion: c.osVersion,
        }),
  );
  return named.length === 0 ? 'none' : named.join(', ');
}
