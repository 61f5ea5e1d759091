// Every place a Pod spec lives in a manifest, and every container in it: the workload kinds,
// List items, CronJob's job template, Argo Rollouts, and containers / initContainers /
// ephemeralContainers. Other documents yield nothing and are left alone.

import { isScalar, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml';
import {
  asMap,
  asSeq,
  asString,
  chargeExpansion,
  findPair,
  getMapAt,
  resolveNode,
} from './yaml-lookup.ts';

/** `imageVolumes`: `volumes[].image` (KEP-4639), whose `reference` and `pullPolicy` work like a
 * container's `image` and `imagePullPolicy`, defaults included. */
export type ContainerListName =
  'containers' | 'initContainers' | 'ephemeralContainers' | 'imageVolumes';
export const CONTAINER_LISTS: readonly ContainerListName[] = [
  'containers',
  'initContainers',
  'ephemeralContainers',
];

export interface WorkloadIdentity {
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** A scalar field of a container as written: where it is and the node that holds its value. */
export interface ContainerField {
  /** The string value; undefined when the field is null, a number, a map… */
  readonly value: string | undefined;
  /** Offset of the value as written (an alias stays where the alias is written). */
  readonly offset: number;
  /** The scalar holding the value, after alias resolution: the node an edit changes. */
  readonly scalar: Scalar | undefined;
  readonly pair: Pair<Scalar, unknown>;
  /** The map that holds the pair: the container itself, or a map merged into it with `<<`. */
  readonly holder: YAMLMap;
}

export interface ContainerSite {
  readonly documentIndex: number;
  readonly workload: WorkloadIdentity;
  readonly list: ContainerListName;
  readonly index: number;
  readonly name: string | undefined;
  /** The container's own map. */
  readonly container: YAMLMap;
  /** Undefined when the container has no `image` key (allowed in workload templates). */
  readonly image: ContainerField | undefined;
  readonly pullPolicy: ContainerField | undefined;
  /** The key a pull policy is written under: `imagePullPolicy`, or `pullPolicy` in an image volume. */
  readonly policyKey: 'imagePullPolicy' | 'pullPolicy';
}

interface PodSpecLocation {
  /** API groups the kind belongs to ('' = core); a document without apiVersion matches any. */
  readonly groups: readonly string[];
  readonly path: readonly string[];
}

const TEMPLATE = ['spec', 'template', 'spec'];
const POD_SPEC_LOCATIONS: Readonly<Record<string, PodSpecLocation>> = {
  Pod: { groups: [''], path: ['spec'] },
  PodTemplate: { groups: [''], path: ['template', 'spec'] },
  ReplicationController: { groups: [''], path: TEMPLATE },
  Deployment: { groups: ['apps', 'extensions'], path: TEMPLATE },
  ReplicaSet: { groups: ['apps', 'extensions'], path: TEMPLATE },
  DaemonSet: { groups: ['apps', 'extensions'], path: TEMPLATE },
  StatefulSet: { groups: ['apps'], path: TEMPLATE },
  Job: { groups: ['batch'], path: TEMPLATE },
  CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
  Rollout: { groups: ['argoproj.io'], path: TEMPLATE },
};

/** The kinds whose Pod specs kube-fresh reads (plus `List` and `*List`). */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_LOCATIONS);

/** Every container that has an `image` key, in the documents that parsed, in file order. */
export function listImageSites(parsed: {
  // Structural, not ParsedManifests: parse-manifests.ts imports this file (no import cycle).
  readonly documents: readonly (
    { readonly ok: true; readonly sites: readonly ContainerSite[] } | { readonly ok: false }
  )[];
}): ContainerSite[] {
  return parsed.documents.flatMap((manifest) =>
    manifest.ok ? manifest.sites.filter((site) => site.image !== undefined) : [],
  );
}

/**
 * All containers of one composed document, in document order. Throws AliasBudgetExceeded when
 * that needs too many alias expansions (parseManifests turns it into a document error).
 */
export function findContainerSites(documentIndex: number, doc: Document): ContainerSite[] {
  const root = asMap(doc.contents, doc);
  return root ? sitesOfObject(root, doc, documentIndex, 0) : [];
}

function sitesOfObject(
  object: YAMLMap,
  doc: Document,
  documentIndex: number,
  depth: number,
): ContainerSite[] {
  const kind = asString(findPair(object, 'kind', doc)?.pair.value, doc);
  if (kind === undefined) return [];
  const items = asSeq(findPair(object, 'items', doc)?.pair.value, doc);
  if (kind.endsWith('List') && items && depth < 4) {
    return items.items.flatMap((item) => {
      chargeExpansion(doc);
      const map = asMap(item, doc);
      return map ? sitesOfObject(map, doc, documentIndex, depth + 1) : [];
    });
  }
  const location = POD_SPEC_LOCATIONS[kind];
  if (!location || !groupMatches(object, location, doc)) return [];
  const podSpec = getMapAt(object, location.path, doc);
  if (!podSpec) return [];
  const workload = identify(object, kind, doc);
  const containers = CONTAINER_LISTS.flatMap((list) => {
    const seq = asSeq(findPair(podSpec, list, doc)?.pair.value, doc);
    if (!seq) return [];
    return seq.items.flatMap((item, index) => {
      chargeExpansion(doc);
      const container = asMap(item, doc);
      if (!container) return [];
      return [siteOf(container, doc, { documentIndex, workload, list, index })];
    });
  });
  return [...containers, ...imageVolumeSites(podSpec, doc, { documentIndex, workload })];
}

/** `volumes[i].image` maps: the image is `reference`, the policy `pullPolicy`. */
function imageVolumeSites(
  podSpec: YAMLMap,
  doc: Document,
  place: Pick<ContainerSite, 'documentIndex' | 'workload'>,
): ContainerSite[] {
  const volumes = asSeq(findPair(podSpec, 'volumes', doc)?.pair.value, doc);
  if (!volumes) return [];
  return volumes.items.flatMap((item, index) => {
    const volume = asMap(item, doc);
    const image = volume ? asMap(findPair(volume, 'image', doc)?.pair.value, doc) : undefined;
    if (!volume || !image) return [];
    return [
      {
        ...place,
        list: 'imageVolumes' as const,
        index,
        name: asString(findPair(volume, 'name', doc)?.pair.value, doc),
        container: image,
        image: fieldOf(image, 'reference', doc),
        pullPolicy: fieldOf(image, 'pullPolicy', doc),
        policyKey: 'pullPolicy' as const,
      },
    ];
  });
}

function groupMatches(object: YAMLMap, location: PodSpecLocation, doc: Document): boolean {
  const apiVersion = asString(findPair(object, 'apiVersion', doc)?.pair.value, doc);
  if (apiVersion === undefined) return true;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return location.groups.includes(group);
}

function identify(object: YAMLMap, kind: string, doc: Document): WorkloadIdentity {
  const metadata = asMap(findPair(object, 'metadata', doc)?.pair.value, doc);
  const field = (key: string): string | undefined =>
    metadata ? asString(findPair(metadata, key, doc)?.pair.value, doc) : undefined;
  return { kind, namespace: field('namespace'), name: field('name') ?? field('generateName') };
}

type SitePlace = Pick<ContainerSite, 'documentIndex' | 'workload' | 'list' | 'index'>;

function siteOf(container: YAMLMap, doc: Document, place: SitePlace): ContainerSite {
  return {
    ...place,
    name: asString(findPair(container, 'name', doc)?.pair.value, doc),
    container,
    image: fieldOf(container, 'image', doc),
    pullPolicy: fieldOf(container, 'imagePullPolicy', doc),
    policyKey: 'imagePullPolicy',
  };
}

function fieldOf(container: YAMLMap, key: string, doc: Document): ContainerField | undefined {
  const found = findPair(container, key, doc);
  if (!found) return undefined;
  const { pair, holder } = found;
  const written = pair.value as { range?: [number, number, number] } | null;
  const keyEnd = pair.key.range?.[1] ?? 0;
  const offset = written?.range?.[0] ?? keyEnd;
  const resolved = resolveNode(pair.value, doc);
  const scalar = isScalar(resolved) ? resolved : undefined;
  const value = typeof scalar?.value === 'string' ? scalar.value : undefined;
  return { value, offset, scalar, pair, holder };
}
