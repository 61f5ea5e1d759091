// Every image a Pod names, with the JSON Pointer of the field: containers, initContainers,
// ephemeralContainers (`kubectl debug`) and image volumes (`volumes[].image.reference`, K8s 1.31+).
// Pure: the Pod is the decoded JSON of an AdmissionReview's `object`.

export type SiteKind = 'containers' | 'initContainers' | 'ephemeralContainers' | 'volumes';

export interface ImageSite {
  readonly kind: SiteKind;
  /** The container or volume name, for messages and the annotation. */
  readonly name: string;
  /** JSON Pointer of the image string, e.g. `/spec/containers/0/image`. */
  readonly pointer: string;
  /** The value as written; undefined when it is not a string. */
  readonly image: string | undefined;
  /** The explicit (at admission: already defaulted) imagePullPolicy; containers only. */
  readonly pullPolicy: string | undefined;
}

const CONTAINER_KINDS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The image fields of a Pod spec, in a stable order. */
export function podImageSites(pod: unknown): ImageSite[] {
  const spec = field(pod, 'spec');
  const sites: ImageSite[] = [];
  for (const kind of CONTAINER_KINDS) {
    list(spec, kind).forEach((container, i) => {
      sites.push({
        kind,
        name: stringOr(field(container, 'name'), `#${i}`),
        pointer: `/spec/${kind}/${i}/image`,
        image: asString(field(container, 'image')),
        pullPolicy: asString(field(container, 'imagePullPolicy')),
      });
    });
  }
  list(spec, 'volumes').forEach((volume, i) => {
    const image = field(volume, 'image');
    if (image === undefined) return;
    sites.push({
      kind: 'volumes',
      name: stringOr(field(volume, 'name'), `#${i}`),
      pointer: `/spec/volumes/${i}/image/reference`,
      image: asString(field(image, 'reference')),
      pullPolicy: asString(field(image, 'pullPolicy')),
    });
  });
  return sites;
}

/** `containers/app`: the key a site has in the original-images annotation. */
export function siteKey(site: Pick<ImageSite, 'kind' | 'name'>): string {
  return `${site.kind}/${site.name}`;
}

export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function list(value: unknown, key: string): unknown[] {
  const items = field(value, key);
  return Array.isArray(items) ? items : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
