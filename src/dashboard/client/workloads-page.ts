/// <reference lib="dom" />
// The workloads table: filter by namespace, verdict, policy and GitOps management, search across
// names and images, sort by any column. The state lives in the URL; rows are drawn as one string
// per change, which keeps 1,000 workload containers well under a frame's worth of DOM work.

import type { WorkloadsResponse } from '../api-schemas.ts';
import {
  badge,
  digestHtml,
  esc,
  readParams,
  shortDigest,
  VERDICT_ORDER,
  workloadHref,
  writeParams,
} from './dom.ts';

type Entry = WorkloadsResponse['workloads'][number];

interface Row {
  readonly entry: Entry;
  readonly haystack: string;
  readonly managedBy: string;
  readonly running: string;
}

const COLUMNS = [
  { key: 'namespace', label: 'Namespace' },
  { key: 'workload', label: 'Workload' },
  { key: 'container', label: 'Container' },
  { key: 'image', label: 'Image' },
  { key: 'policy', label: 'Policy' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'running', label: 'Running (digest × pods)' },
  { key: 'current', label: 'Current' },
  { key: 'gitops', label: 'GitOps' },
] as const;

type ColumnKey = (typeof COLUMNS)[number]['key'];

export function renderWorkloadsPage(app: HTMLElement, data: WorkloadsResponse): void {
  const rows: Row[] = data.workloads.map((entry) => {
    const key = `${entry.namespace}/${entry.workload.kind}/${entry.workload.name}`;
    const manager = data.gitOps[key];
    const managedBy = manager === undefined ? '' : `${manager.tool}: ${manager.source}`;
    const running = entry.running.map((r) => `${shortDigest(r.digest)}×${r.pods}`).join(' ');
    const haystack = [
      entry.namespace,
      entry.workload.kind,
      entry.workload.name,
      entry.container,
      entry.image,
      entry.familiarImage,
      managedBy,
    ]
      .join(' ')
      .toLowerCase();
    return { entry, haystack, managedBy, running };
  });
  const params = readParams();
  const namespaces = [...new Set(rows.map((r) => r.entry.namespace))].sort();
  const option = (value: string, label: string, selected: string | null): string =>
    `<option value="${esc(value)}"${value === (selected ?? '') ? ' selected' : ''}>${esc(label)}</option>`;
  app.innerHTML = `
<form class="filters" role="search" aria-label="Filter workloads" id="filters">
<label>Search <input type="search" id="f-q" name="q" value="${esc(params.get('q') ?? '')}" placeholder="name, image, namespace…"></label>
<label>Namespace <select id="f-ns" name="ns">${option('', 'all', params.get('ns'))}${namespaces.map((n) => option(n, n, params.get('ns'))).join('')}</select></label>
<label>Verdict <select id="f-verdict" name="verdict">${option('', 'all', params.get('verdict'))}${option('attention', 'stale or mixed', params.get('verdict'))}${VERDICT_ORDER.map((v) => option(v, v, params.get('verdict'))).join('')}</select></label>
<label>Policy <select id="f-policy" name="policy">${option('', 'all', params.get('policy'))}${['Always', 'IfNotPresent', 'Never'].map((p) => option(p, p, params.get('policy'))).join('')}</select></label>
<label>GitOps <select id="f-gitops" name="gitops">${option('', 'all', params.get('gitops'))}${option('managed', 'managed', params.get('gitops'))}${option('unmanaged', 'not managed', params.get('gitops'))}</select></label>
</form>
<p id="row-count" role="status" aria-live="polite"></p>
<div class="table-wrap"><table id="workloads-table">
<caption class="muted">One row per workload container; click a column heading to sort.</caption>
<thead><tr>${COLUMNS.map((c) => `<th scope="col" data-key="${c.key}"><button type="button">${esc(c.label)}</button></th>`).join('')}</tr></thead>
<tbody></tbody></table></div>`;
  const form = app.querySelector<HTMLFormElement>('#filters') as HTMLFormElement;
  const tbody = app.querySelector('tbody') as HTMLTableSectionElement;
  const count = app.querySelector('#row-count') as HTMLElement;
  let timer: number | undefined;
  const draw = (): void => {
    const state = readParams();
    const shown = sortRows(rows.filter(matches(state)), state);
    tbody.innerHTML = shown.map(rowHtml).join('');
    count.textContent = `Showing ${shown.length} of ${rows.length} workload containers`;
    for (const th of app.querySelectorAll<HTMLElement>('th[data-key]')) {
      const key = th.dataset['key'];
      const sort = state.get('sort') ?? 'verdict';
      if (key === sort)
        th.setAttribute('aria-sort', state.get('dir') === 'desc' ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
  };
  const update = (): void => {
    const state = readParams();
    for (const name of ['q', 'ns', 'verdict', 'policy', 'gitops']) {
      const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      state.set(name, field?.value.trim() ?? '');
    }
    writeParams(state);
    draw();
  };
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', update);
  form.addEventListener('input', (event) => {
    if ((event.target as HTMLElement).id !== 'f-q') return;
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 120);
  });
  app.querySelector('thead')?.addEventListener('click', (event) => {
    const th = (event.target as HTMLElement).closest<HTMLElement>('th[data-key]');
    if (th === null) return;
    const state = readParams();
    const key = th.dataset['key'] ?? 'verdict';
    const same = (state.get('sort') ?? 'verdict') === key;
    state.set('sort', key);
    state.set('dir', same && state.get('dir') !== 'desc' ? 'desc' : '');
    writeParams(state);
    draw();
  });
  draw();
}

function matches(state: URLSearchParams): (row: Row) => boolean {
  const words = (state.get('q') ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  const ns = state.get('ns') ?? '';
  const verdict = state.get('verdict') ?? '';
  const policy = state.get('policy') ?? '';
  const gitops = state.get('gitops') ?? '';
  return (row) => {
    const e = row.entry;
    if (ns !== '' && e.namespace !== ns) return false;
    if (verdict === 'attention' && e.verdict !== 'stale' && e.verdict !== 'mixed') return false;
    if (verdict !== '' && verdict !== 'attention' && e.verdict !== verdict) return false;
    if (policy !== '' && e.policy.policy !== policy) return false;
    if (gitops === 'managed' && row.managedBy === '') return false;
    if (gitops === 'unmanaged' && row.managedBy !== '') return false;
    return words.every((w) => row.haystack.includes(w));
  };
}

function sortValue(row: Row, key: ColumnKey): string | number {
  const e = row.entry;
  switch (key) {
    case 'namespace':
      return e.namespace;
    case 'workload':
      return `${e.workload.kind}/${e.workload.name}`;
    case 'container':
      return e.container;
    case 'image':
      return e.familiarImage;
    case 'policy':
      return e.policy.policy;
    case 'verdict':
      return VERDICT_ORDER.indexOf(e.verdict);
    case 'running':
      return row.running;
    case 'current':
      return e.current ?? '';
    case 'gitops':
      return row.managedBy;
  }
}

function sortRows(rows: Row[], state: URLSearchParams): Row[] {
  const key: ColumnKey = COLUMNS.find((c) => c.key === state.get('sort'))?.key ?? 'verdict';
  const sign = state.get('dir') === 'desc' ? -1 : 1;
  const collator = new Intl.Collator(undefined, { numeric: true });
  const name = (r: Row): string =>
    `${r.entry.namespace}/${r.entry.workload.kind}/${r.entry.workload.name}/${r.entry.container}`;
  return rows
    .map((row) => ({ row, value: sortValue(row, key), name: name(row) }))
    .sort((a, b) => {
      const order =
        typeof a.value === 'number' && typeof b.value === 'number'
          ? a.value - b.value
          : collator.compare(String(a.value), String(b.value));
      return sign * order || collator.compare(a.name, b.name);
    })
    .map((x) => x.row);
}

function rowHtml(row: Row): string {
  const e = row.entry;
  const id = { namespace: e.namespace, kind: e.workload.kind, name: e.workload.name };
  const container =
    e.containerKind === 'regular' ? e.container : `${e.container} (${e.containerKind})`;
  const running = e.running
    .map(
      (r) =>
        `<span class="badge v-${esc(r.verdict)}" title="${esc(`${r.digest}: ${r.pods} pod(s) on ${r.nodes.join(', ') || 'no node'}`)}">${esc(shortDigest(r.digest))}×${r.pods}</span>`,
    )
    .join(' ');
  return `<tr><td>${esc(e.namespace)}</td><td><a href="${workloadHref(id)}">${esc(`${e.workload.kind.toLowerCase()}/${e.workload.name}`)}</a></td><td>${esc(container)}</td><td><code>${esc(e.familiarImage)}</code></td><td>${esc(e.policy.policy)}</td><td>${badge(e.verdict)}</td><td>${running}</td><td>${digestHtml(e.current)}</td><td>${row.managedBy === '' ? '<span class="muted">no</span>' : esc(row.managedBy)}</td></tr>`;
}
