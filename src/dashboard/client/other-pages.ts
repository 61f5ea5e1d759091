/// <reference lib="dom" />
// The overview, one workload's story, and the node × image-tag cache matrix.

import type { NodesResponse, OverviewResponse, WorkloadResponse } from '../api-schemas.ts';
import {
  badge,
  digestHtml,
  esc,
  readParams,
  time,
  VERDICT_ORDER,
  workloadHref,
  writeParams,
} from './dom.ts';

type History = OverviewResponse['history'];

export function renderOverview(app: HTMLElement, data: OverviewResponse): void {
  const s = data.summary;
  const cards = VERDICT_ORDER.map(
    (v) =>
      `<li class="v-${v}"><a href="/workloads?verdict=${v}"><span class="count">${s.verdicts[v as keyof typeof s.verdicts]}</span>${esc(v)}</a></li>`,
  ).join('');
  const rows = data.namespaces
    .map((n) => {
      const cells = VERDICT_ORDER.map((v) => {
        const count = n.verdicts[v as keyof typeof n.verdicts];
        return `<td class="num">${count === 0 ? '<span class="muted">0</span>' : `<a href="/workloads?ns=${encodeURIComponent(n.namespace)}&amp;verdict=${v}">${count}</a>`}</td>`;
      }).join('');
      return `<tr><th scope="row"><a href="/workloads?ns=${encodeURIComponent(n.namespace)}">${esc(n.namespace)}</a></th>${cells}</tr>`;
    })
    .join('');
  app.innerHTML = `
<p>${s.containers} workload containers in ${s.workloads} workloads (${s.pods} pods) · context <code>${esc(data.target.context)}</code> · ${s.nodesAtRisk} node${s.nodesAtRisk === 1 ? '' : 's'} cache an old image (<a href="/nodes">nodes</a>)</p>
<h2 id="verdicts">Workload containers by verdict</h2>
<ul class="cards" aria-labelledby="verdicts">${cards}</ul>
<h2 id="ns-heading">By namespace</h2>
<div class="table-wrap"><table aria-labelledby="ns-heading"><thead><tr><th scope="col">Namespace</th>${VERDICT_ORDER.map((v) => `<th scope="col" class="num">${esc(v)}</th>`).join('')}</tr></thead><tbody>${rows || `<tr><td colspan="7">No pods in scope.</td></tr>`}</tbody></table></div>
<h2>Last tag moves and pins</h2>
${historyHtml(data.history, data.source)}
${data.warnings.map((w) => `<p class="note warn">${esc(w)}</p>`).join('')}`;
}

function historyHtml(history: History, source: string): string {
  if (history.length === 0)
    return `<p class="muted">${source === 'snapshot' ? 'None: a snapshot has no history. The controller records the tag moves and pins it sees.' : 'None seen yet.'}</p>`;
  return `<ul>${history
    .map((h) => {
      const what =
        h.kind === 'tag-moved'
          ? `<code>${esc(h.image)}</code> moved`
          : `pinned <code>${esc(h.image)}</code>`;
      const where =
        h.workload === undefined
          ? ''
          : ` in <a href="${workloadHref(h.workload)}">${esc(`${h.workload.namespace}/${h.workload.kind.toLowerCase()}/${h.workload.name}`)}</a>`;
      return `<li><time datetime="${esc(h.at)}">${esc(time(h.at))}</time>: ${what}${where} ${h.from === undefined ? '' : `from ${digestHtml(h.from)} `}to ${digestHtml(h.to)}</li>`;
    })
    .join('')}</ul>`;
}

export function renderWorkload(app: HTMLElement, data: WorkloadResponse): void {
  const w = data.workload;
  const title = document.getElementById('page-title');
  if (title !== null)
    title.innerHTML = `${esc(`${w.kind.toLowerCase()}/${w.name}`)} <span class="muted">in ${esc(w.namespace)}</span> ${badge(data.verdict)}`;
  document.title = `${w.kind}/${w.name} · kube-fresh`;
  const gitOps =
    w.gitOps === undefined
      ? ''
      : `<p class="note warn">Managed by ${esc(w.gitOps.tool)} (${esc(w.gitOps.source)}): a live patch is reverted at the next sync; pin the image in its source.</p>`;
  app.innerHTML = `${gitOps}${data.containers.map(containerHtml).join('')}
<h2>Tag moves and pins</h2>${historyHtml(data.history, data.source)}`;
}

function containerHtml(c: WorkloadResponse['containers'][number], index: number): string {
  const id = `c${index}`;
  const grid = `<div class="table-wrap"><table class="grid" aria-labelledby="${id}-grid"><thead><tr><th scope="col">Digest</th>${c.grid.nodes.map((n) => `<th scope="col">${esc(n)}</th>`).join('')}</tr></thead><tbody>${c.grid.digests
    .map(
      (d) =>
        `<tr><th scope="row">${digestHtml(d.digest)} ${badge(d.verdict)}${d.current ? ' <span class="muted">(current)</span>' : ''}</th>${d.pods.map((pods) => `<td>${pods.length === 0 ? '<span class="muted">–</span>' : pods.map(esc).join('<br>')}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table></div>`;
  const pods = c.pods
    .map(
      (p) =>
        `<tr><td>${esc(p.pod)}</td><td>${esc(p.node ?? 'unscheduled')}</td><td>${digestHtml(p.running)}</td><td>${esc(time(p.since))}</td><td>${badge(p.verdict.verdict)}</td><td>${
          p.events.length === 0
            ? '<span class="muted">none kept</span>'
            : `<ul class="events">${p.events.map((e) => `<li><strong>${esc(e.reason)}</strong>${e.count > 1 ? ` ×${e.count}` : ''}: ${esc(e.message)}</li>`).join('')}</ul>`
        }</td></tr>`,
    )
    .join('');
  const risks = c.nodeRisks.filter((r) => r.risk === 'old-image-cached');
  const fixes =
    c.fixes.length === 0
      ? '<p class="muted">Nothing to fix.</p>'
      : `<ol class="fixes">${c.fixes.map((f) => `<li><strong>${esc(f.strategy)}</strong>: ${esc(f.effect)}<code>${esc(f.command)}</code><span class="muted">Trade-off: ${esc(f.tradeoff)}</span></li>`).join('')}</ol>`;
  return `<section aria-labelledby="${id}">
<h2 id="${id}">Container ${esc(c.container)}${c.containerKind === 'regular' ? '' : ` (${esc(c.containerKind)})`} ${badge(c.verdict)}</h2>
<p><code>${esc(c.image)}</code> · pull policy <strong>${esc(c.policy.policy)}</strong> <span class="muted">(${esc(c.policy.reason)})</span> · the tag points to ${digestHtml(c.current)} now</p>
<div class="note">${c.cause.map((line) => `<p>${esc(line)}</p>`).join('')}</div>
<h3 id="${id}-grid">Replicas × nodes × digests</h3>${grid}
${risks.length === 0 ? '' : `<p class="note warn">Old image cached on ${risks.map((r) => `<strong>${esc(r.node)}</strong> (${digestHtml(r.cachedDigest)})`).join(', ')}: a new Pod scheduled there would start it.</p>`}
<h3>Each Pod's story</h3>
<div class="table-wrap"><table class="story"><thead><tr><th scope="col">Pod</th><th scope="col">Node</th><th scope="col">Runs</th><th scope="col">Since</th><th scope="col">Verdict</th><th scope="col">Kubelet events</th></tr></thead><tbody>${pods}</tbody></table></div>
<h3>How to fix it</h3>${fixes}
</section>`;
}

const CELL_LABEL: Readonly<Record<string, string>> = {
  current: 'current',
  old: 'old',
  'not-cached': 'not cached',
  unknown: 'digest unknown',
};

export function renderNodes(app: HTMLElement, data: NodesResponse): void {
  const params = readParams();
  app.innerHTML = `
<p>What each node has cached under each tag the workloads use (<code>node.status.images</code>), against what the tag points to now. An <span class="badge c-old">old</span> cell is where a new IfNotPresent Pod would start old bits. Nodes list only their 50 largest images, so <span class="badge c-not-cached">not cached</span> means not listed.</p>
<form class="filters" role="search" aria-label="Filter images" id="node-filters">
<label>Search images <input type="search" name="q" id="n-q" value="${esc(params.get('q') ?? '')}"></label>
<label><span>Rows</span><select name="old" id="n-old"><option value="">all tags</option><option value="1"${params.get('old') === '1' ? ' selected' : ''}>only tags cached old somewhere</option></select></label>
</form>
<div class="table-wrap"><table class="matrix" id="matrix"><caption>Node × image-tag cache</caption>
<thead><tr><th scope="col">Image tag</th><th scope="col">Current</th>${data.nodes.map((n) => `<th scope="col" title="${esc(`${n.operatingSystem ?? '?'}/${n.architecture ?? '?'}, ${n.containerRuntimeVersion ?? ''}, ${n.images} images listed`)}">${esc(n.name)}${n.ready === false ? ' <span class="muted">(not ready)</span>' : ''}</th>`).join('')}</tr></thead>
<tbody></tbody></table></div>`;
  const form = app.querySelector('#node-filters') as HTMLFormElement;
  const tbody = app.querySelector('#matrix tbody') as HTMLElement;
  const draw = (): void => {
    const state = readParams();
    const q = (state.get('q') ?? '').toLowerCase();
    const onlyOld = state.get('old') === '1';
    const rows = data.rows.filter(
      (r) =>
        r.image.toLowerCase().includes(q) && (!onlyOld || r.cells.some((c) => c.state === 'old')),
    );
    tbody.innerHTML =
      rows
        .map(
          (r) =>
            `<tr><th scope="row"><code>${esc(r.image)}</code><br><span class="muted">${esc(r.policies.join(', '))} · ${r.workloads.map((w) => `<a href="${workloadHref(w)}">${esc(`${w.namespace}/${w.kind.toLowerCase()}/${w.name}`)}</a>`).join(', ')}</span></th><td>${digestHtml(r.current)}</td>${r.cells
              .map(
                (c) =>
                  `<td><span class="badge c-${esc(c.state)}"${c.cachedDigest === undefined ? '' : ` title="${esc(c.cachedDigest)}"`}>${esc(CELL_LABEL[c.state] ?? c.state)}</span></td>`,
              )
              .join('')}</tr>`,
        )
        .join('') || `<tr><td colspan="${data.nodes.length + 2}">No mutable tags match.</td></tr>`;
  };
  const update = (): void => {
    const state = readParams();
    state.set('q', (form.elements.namedItem('q') as HTMLInputElement).value.trim());
    state.set('old', (form.elements.namedItem('old') as HTMLSelectElement).value);
    writeParams(state);
    draw();
  };
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  draw();
}
