/// <reference lib="dom" />
// Small helpers for the page script: escaping, formatting, the URL as the page's state.

export function esc(value: string | number | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * `sha256:4f1c…` or `repo@sha256:4f1c…` → `4f1c2a9e0b7d`; other strings (a bare image ID,
 * `(not started)`) → their first 12 characters.
 */
export function shortDigest(digest: string | undefined): string {
  if (digest === undefined) return '?';
  const at = digest.indexOf('sha256:');
  return at === -1 ? digest.slice(0, 12) : digest.slice(at + 7, at + 19);
}

export function digestHtml(digest: string | undefined): string {
  if (digest === undefined) return '<span class="muted">?</span>';
  return `<span class="digest" title="${esc(digest)}">${esc(shortDigest(digest))}</span>`;
}

export function badge(verdict: string, label = verdict): string {
  return `<span class="badge v-${esc(verdict)}">${esc(label)}</span>`;
}

export function workloadHref(w: { namespace: string; kind: string; name: string }): string {
  return `/workloads/${[w.namespace, w.kind, w.name].map(encodeURIComponent).join('/')}`;
}

export function time(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** The query string is the page's state: deep links and the back button work. */
export function readParams(): URLSearchParams {
  return new URLSearchParams(location.search);
}

export function writeParams(params: URLSearchParams): void {
  for (const [key, value] of [...params.entries()]) if (value === '') params.delete(key);
  const query = params.toString();
  history.replaceState(
    null,
    '',
    query === '' ? location.pathname : `${location.pathname}?${query}`,
  );
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${url}: HTTP ${response.status}`);
  return body;
}

export function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

export const VERDICT_ORDER = ['mixed', 'stale', 'pinned-behind', 'unknown', 'fresh', 'pinned'];
