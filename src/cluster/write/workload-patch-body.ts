// The PATCH body for a WorkloadChange. Built-in kinds get a strategic merge patch: containers merge
// by name, so the body names only what changes. Custom resources (Argo Rollouts) accept only JSON
// merge patches, which replace lists whole, so their container lists are the lists as read with
// the edits applied. Both carry metadata.resourceVersion: the API server then refuses with 409
// when the object changed after the read, instead of silently overwriting the other writer.

import { objectAt, templatePath } from './workload-object-view.ts';
import type { ContainerEdit, LiveWorkload, WorkloadChange } from './workload-writer.ts';

export type PatchStyle = 'strategic' | 'merge';

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchStyle, string>> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
};

/** Strategic merge patch is implemented only for the API server's built-in types. */
export function patchStyleFor(apiVersion: string): PatchStyle {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return group === '' || group === 'apps' || group === 'batch' ? 'strategic' : 'merge';
}

export function buildPatchBody(
  read: LiveWorkload,
  change: WorkloadChange,
  style: PatchStyle,
): Record<string, unknown> {
  const podSpec: Record<string, unknown> = {};
  for (const [kind, field] of [
    ['init', 'initContainers'],
    ['regular', 'containers'],
  ] as const) {
    const edits = change.containers.filter((c) => c.kind === kind);
    if (edits.length === 0) continue;
    podSpec[field] =
      style === 'strategic' ? edits.map(strategicEntry) : mergedList(read, field, edits);
  }
  const template: Record<string, unknown> = {};
  if (Object.keys(change.templateAnnotations).length > 0)
    template.metadata = { annotations: { ...change.templateAnnotations } };
  if (Object.keys(podSpec).length > 0) template.spec = podSpec;
  const metadata: Record<string, unknown> = { resourceVersion: read.resourceVersion };
  if (Object.keys(change.annotations).length > 0) metadata.annotations = { ...change.annotations };
  const body: Record<string, unknown> = { metadata };
  if (Object.keys(template).length > 0)
    Object.assign(body, nest(templatePath(read.ref.kind), template));
  return body;
}

function strategicEntry(edit: ContainerEdit): Record<string, unknown> {
  return {
    name: edit.name,
    ...(edit.image === undefined ? {} : { image: edit.image }),
    ...(edit.imagePullPolicy === undefined ? {} : { imagePullPolicy: edit.imagePullPolicy }),
  };
}

/** The list as read, each edited container overlaid: a merge patch replaces the whole list. */
function mergedList(
  read: LiveWorkload,
  field: 'containers' | 'initContainers',
  edits: readonly ContainerEdit[],
): unknown[] {
  const spec = objectAt(read.raw, [...templatePath(read.ref.kind), 'spec']);
  const list = spec?.[field];
  if (!Array.isArray(list)) return [];
  return list.map((item: unknown) => {
    const container = item as Record<string, unknown>;
    const edit = edits.find((e) => e.name === container.name);
    return edit === undefined ? container : { ...container, ...strategicEntry(edit) };
  });
}

/** `['spec', 'template']`, value → `{spec: {template: value}}`. */
function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  let nested: unknown = value;
  for (const key of [...path].reverse()) nested = { [key]: nested };
  return nested as Record<string, unknown>;
}
