// HTTP → AdmissionReview → decision → HTTP, for /mutate and /validate[/warn|/deny]. A body over
// the cap is a 413 and a malformed one a 400 (the apiserver then applies failurePolicy); neither
// the body nor the object is ever logged, only the request's identity and the result.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { readBody } from '../serving/read-body.ts';
import { sendJson, sendText, type Route } from '../serving/http-server.ts';
import type { PolicyMode } from '../usecases/review-pod-admission/pod-policy.ts';
import type {
  AdmissionDecision,
  AdmissionRequestView,
} from '../usecases/review-pod-admission/review-pod-admission.ts';
import { admissionResponse, parseAdmissionReview } from './admission-review-json.ts';
import type { Endpoint, WebhookMetrics } from './webhook-metrics.ts';

/** Two objects of 3 MiB (an UPDATE) plus 1 MiB of envelope, as controller-runtime allows. */
export const MAX_REVIEW_BYTES = 7 * 1024 * 1024;

export interface AdmissionHandlers {
  mutate(request: AdmissionRequestView): Promise<AdmissionDecision>;
  validate(request: AdmissionRequestView, mode: PolicyMode): AdmissionDecision;
}

export function admissionRoutes(
  handlers: AdmissionHandlers,
  metrics: WebhookMetrics,
  logger: Logger,
): Route[] {
  const serve =
    (endpoint: Endpoint, decide: (r: AdmissionRequestView) => Promise<AdmissionDecision>) =>
    (request: IncomingMessage, response: ServerResponse) =>
      handle(request, response, { endpoint, decide, metrics, logger });
  return [
    { method: 'POST', path: '/mutate', handle: serve('mutate', (r) => handlers.mutate(r)) },
    {
      method: 'POST',
      path: '/validate',
      prefix: true,
      handle: (request, response) => {
        const mode = policyModeOf(request.url);
        if (mode === undefined) return sendText(response, 404, 'not found\n');
        return serve('validate', (r) => Promise.resolve(handlers.validate(r, mode)))(
          request,
          response,
        );
      },
    },
  ];
}

/** `/validate` and `/validate/warn` warn, `/validate/deny` denies; the query is ignored. */
function policyModeOf(url: string | undefined): PolicyMode | undefined {
  const path = (url ?? '').split(/[?#]/)[0];
  if (path === '/validate' || path === '/validate/warn') return 'warn';
  if (path === '/validate/deny') return 'deny';
  return undefined;
}

interface HandleContext {
  readonly endpoint: Endpoint;
  readonly decide: (r: AdmissionRequestView) => Promise<AdmissionDecision>;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  context: HandleContext,
): Promise<void> {
  const body = await readBody(request, MAX_REVIEW_BYTES);
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  if (!body.ok) {
    context.metrics.observe(
      context.endpoint,
      body.status === 413 ? 'too-large' : 'malformed',
      seconds(),
    );
    context.logger.warn({ endpoint: context.endpoint, status: body.status }, body.message);
    return sendText(response, body.status, `${body.message}\n`);
  }
  const parsed = parseAdmissionReview(body.body);
  if (!parsed.ok) {
    context.metrics.observe(context.endpoint, 'malformed', seconds());
    context.logger.warn({ endpoint: context.endpoint, status: 400 }, parsed.message);
    return sendText(response, 400, `${parsed.message}\n`);
  }
  const review = parsed.request;
  const decision = await context.decide(review);
  const elapsed = seconds();
  context.metrics.observe(context.endpoint, decision.result, elapsed);
  context.logger.info(
    {
      endpoint: context.endpoint,
      uid: review.uid,
      namespace: review.namespace,
      operation: review.operation,
      kind: review.kind.kind,
      dryRun: review.dryRun,
      result: decision.result,
      patchOps: decision.allowed ? decision.patch.length : 0,
      warnings: decision.warnings.length,
      ms: Math.round(elapsed * 10_000) / 10,
    },
    'admission',
  );
  sendJson(response, 200, admissionResponse(review.uid, decision));
}
