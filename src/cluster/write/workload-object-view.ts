// A workload object as the API serves it (raw JSON: timestamps are strings) → the LiveWorkload view
// `fix` plans against: where its Pod template lives, the template's containers, and whether the
// applied configuration declares each container's imagePullPolicy.

import type { OwnerReferenceView } from '../owner-resolution.ts';
import type { LiveWorkload, TemplateContainer, WorkloadObjectRef } from './workload-writer.ts';

type Json = Readonly<Record<string, unknown>>;

/** The Pod template path of each kind `fix` patches. */
export function templatePath(kind: string): readonly string[] {
  return kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
}

export function workloadView(raw: Json, ref: WorkloadObjectRef): LiveWorkload {
  const metadata = objectAt(raw, ['metadata']) ?? {};
  const annotations = stringMap(metadata.annotations);
  const template = objectAt(raw, templatePath(ref.kind));
  const declared = declaredPullPolicies(raw, annotations, ref.kind);
  const containers: TemplateContainer[] = [];
  for (const [kind, field] of [
    ['init', 'initContainers'],
    ['regular', 'containers'],
  ] as const) {
    for (const item of listAt(template, ['spec', field])) {
      const name = stringField(item, 'name') ?? '';
      containers.push({
        kind,
        name,
        image: stringField(item, 'image') ?? '',
        imagePullPolicy: stringField(item, 'imagePullPolicy'),
        pullPolicyDeclared: declared.has(`${field}/${name}`),
      });
    }
  }
  return {
    ref,
    apiVersion: stringField(raw, 'apiVersion') ?? '',
    uid: stringField(metadata, 'uid') ?? '',
    resourceVersion: stringField(metadata, 'resourceVersion') ?? '',
    labels: stringMap(metadata.labels),
    annotations,
    ownerReferences: listAt(metadata, ['ownerReferences']).map(ownerReference),
    hasTemplate: template !== undefined,
    containers,
    templateAnnotations: stringMap(objectAt(template ?? {}, ['metadata'])?.annotations),
    updateStrategy: stringField(objectAt(raw, ['spec', 'updateStrategy']) ?? {}, 'type'),
    paused: objectAt(raw, ['spec'])?.paused === true,
    raw,
  };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * `containers/<name>` and `initContainers/<name>` whose imagePullPolicy the user's applied
 * configuration sets: in kubectl apply's last-applied annotation, or owned by a server-side apply
 * manager (`operation: Apply` records only the fields the applier sent, never defaults).
 */
function declaredPullPolicies(raw: Json, annotations: Json, kind: string): Set<string> {
  const path = templatePath(kind);
  const lastApplied = objectAt(parseJson(annotations[LAST_APPLIED]) ?? {}, [...path, 'spec']);
  const declared = new Set<string>();
  for (const field of CONTAINER_FIELDS) {
    for (const item of listAt(lastApplied, [field])) {
      if (typeof item.imagePullPolicy === 'string')
        declared.add(`${field}/${stringField(item, 'name') ?? ''}`);
    }
  }
  for (const entry of listAt(raw, ['metadata', 'managedFields'])) {
    if (entry.operation !== 'Apply') continue;
    const podSpec = objectAt(entry, ['fieldsV1', ...path.map((p) => `f:${p}`), 'f:spec']);
    for (const field of CONTAINER_FIELDS)
      for (const name of appliedPolicies(objectAt(podSpec, [`f:${field}`])))
        declared.add(`${field}/${name}`);
  }
  return declared;
}

const CONTAINER_FIELDS = ['containers', 'initContainers'] as const;

/** Container names under `f:containers` whose entry (`k:{"name":"app"}`) owns f:imagePullPolicy. */
function appliedPolicies(fields: Json | undefined): string[] {
  return Object.entries(fields ?? {}).flatMap(([key, value]) => {
    const item = parseJson(/^k:(\{.*\})$/.exec(key)?.[1]);
    const name = item === undefined ? undefined : stringField(item, 'name');
    return name !== undefined && isObject(value) && 'f:imagePullPolicy' in value ? [name] : [];
  });
}

function ownerReference(item: Json): OwnerReferenceView {
  return {
    apiVersion: stringField(item, 'apiVersion') ?? '',
    kind: stringField(item, 'kind') ?? '',
    name: stringField(item, 'name') ?? '',
    uid: stringField(item, 'uid') ?? '',
    controller: item.controller === true,
  };
}

export function objectAt(value: unknown, path: readonly string[]): Json | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return isObject(current) ? current : undefined;
}

function listAt(value: unknown, path: readonly string[]): Json[] {
  const parent = objectAt(value, path.slice(0, -1));
  const list = parent?.[path[path.length - 1] ?? ''];
  return Array.isArray(list) ? list.filter(isObject) : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: Json, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function parseJson(text: unknown): Json | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
