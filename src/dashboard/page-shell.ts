// The server-rendered HTML shell of every page: navigation, headings and landmarks are there
// without JavaScript; the bundled client script (assets/dashboard.js) fills the main region from
// the JSON API and keeps it current over Server-Sent Events.

export type PageName = 'overview' | 'workloads' | 'workload' | 'nodes';

const NAV: ReadonlyArray<{ page: PageName; href: string; label: string }> = [
  { page: 'overview', href: '/', label: 'Overview' },
  { page: 'workloads', href: '/workloads', label: 'Workloads' },
  { page: 'nodes', href: '/nodes', label: 'Nodes' },
];

const TITLES: Readonly<Record<PageName, string>> = {
  overview: 'Overview',
  workloads: 'Workloads',
  workload: 'Workload',
  nodes: 'Node image caches',
};

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The page for `page`; `title` is e.g. the workload's name. */
export function renderPageShell(page: PageName, title = TITLES[page]): string {
  const current = page === 'workload' ? 'workloads' : page;
  const nav = NAV.map(
    (item) =>
      `<li><a href="${item.href}"${item.page === current ? ' aria-current="page"' : ''}>${item.label}</a></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · kube-fresh</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body data-page="${page}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand"><a href="/">kube-fresh</a></p>
<nav aria-label="Pages"><ul>${nav}</ul></nav>
<div class="picture-status">
<span id="picture-info" role="status" aria-live="polite">Loading the picture…</span>
<button type="button" id="refresh" hidden>Refresh</button>
</div>
</header>
<main id="main" tabindex="-1">
<h1 id="page-title">${escapeHtml(title)}</h1>
<div id="app"><noscript><p>This page needs JavaScript to draw; the same data is at
<a href="/api/v1/workloads">/api/v1/workloads</a>, <a href="/api/v1/nodes">/api/v1/nodes</a> and
<a href="/api/v1/overview">/api/v1/overview</a>.</p></noscript></div>
</main>
</body>
</html>
`;
}
