/// <reference lib="dom" />
// The page script: draws the page named by <body data-page> from the JSON API, and redraws it
// (keeping the filters, which live in the URL) whenever the event stream announces a new picture.

import type {
  NodesResponse,
  OverviewResponse,
  PictureEvent,
  WorkloadResponse,
  WorkloadsResponse,
} from '../api-schemas.ts';
import { el, esc, getJson, time } from './dom.ts';
import { renderNodes, renderOverview, renderWorkload } from './other-pages.ts';
import { renderWorkloadsPage } from './workloads-page.ts';

const page = document.body.dataset['page'] ?? 'overview';
const app = el<HTMLElement>('app');
const info = el<HTMLElement>('picture-info');
const refreshButton = el<HTMLButtonElement>('refresh');
let shown = 0;
let drawing: Promise<void> | undefined;

async function draw(): Promise<void> {
  try {
    const meta = await drawPage();
    // For measurements (the scale test reads it): when the page was last drawn.
    performance.mark('kube-fresh:drawn');
    shown = meta.version;
    info.textContent = `${meta.source === 'snapshot' ? 'Snapshot' : 'Live picture'} #${meta.version}, taken ${time(meta.takenAt)}`;
    refreshButton.hidden = meta.source !== 'snapshot';
  } catch (error) {
    app.innerHTML = `<p class="note warn" role="alert">${esc(error instanceof Error ? error.message : String(error))}</p>`;
    info.textContent = 'No picture';
  }
}

async function drawPage(): Promise<PictureEvent> {
  switch (page) {
    case 'workloads': {
      const data = await getJson<WorkloadsResponse>('/api/v1/workloads');
      renderWorkloadsPage(app, data);
      return data;
    }
    case 'workload': {
      const data = await getJson<WorkloadResponse>(`/api/v1${location.pathname}`);
      renderWorkload(app, data);
      return data;
    }
    case 'nodes': {
      const data = await getJson<NodesResponse>('/api/v1/nodes');
      renderNodes(app, data);
      return data;
    }
    default: {
      const data = await getJson<OverviewResponse>('/api/v1/overview');
      renderOverview(app, data);
      return data;
    }
  }
}

/** One draw at a time; a picture announced during a draw is drawn after it. */
function redraw(): void {
  drawing = (drawing ?? Promise.resolve()).then(draw);
}

refreshButton.addEventListener('click', () => {
  refreshButton.disabled = true;
  info.textContent = 'Taking a new picture…';
  fetch('/api/v1/refresh', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  })
    .then(async (response) => {
      if (!response.ok)
        info.textContent =
          ((await response.json()) as { error?: string }).error ?? 'Refresh failed';
    })
    .catch(() => {
      info.textContent = 'Refresh failed: the dashboard is not reachable';
    })
    .finally(() => {
      refreshButton.disabled = false;
    });
});

const events = new EventSource('/api/v1/events');
events.addEventListener('picture', (event) => {
  const meta = JSON.parse((event as MessageEvent<string>).data) as PictureEvent;
  // Checked after the draw in progress: the stream's first event is usually the picture shown.
  void (drawing ?? Promise.resolve()).then(() => {
    if (meta.version > shown) redraw();
  });
});
addEventListener('pagehide', () => events.close());

redraw();
