// The one place AdmissionReview v1 JSON is read and written. The request is checked with zod
// (only the fields kube-fresh uses; the object itself stays plain JSON); the response carries the
// request's uid, `patchType` exactly when there is a patch, and a base64 JSON Patch.

import { z } from 'zod';
import type {
  AdmissionDecision,
  AdmissionRequestView,
} from '../usecases/review-pod-admission/review-pod-admission.ts';

const API_VERSION = 'admission.k8s.io/v1';

const groupVersionKind = z.object({
  group: z.string(),
  version: z.string(),
  kind: z.string(),
});

const admissionReview = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('AdmissionReview'),
  request: z.object({
    uid: z.string().min(1).max(256),
    kind: groupVersionKind,
    subResource: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    dryRun: z.boolean().optional(),
    object: z.unknown().optional(),
    oldObject: z.unknown().optional(),
  }),
});

export type ParsedReview =
  | { readonly ok: true; readonly request: AdmissionRequestView }
  | { readonly ok: false; readonly message: string };

/** Decodes a request body; a malformed one is a value with a one-line reason (for a 400). */
export function parseAdmissionReview(body: Buffer): ParsedReview {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'the body is not JSON' };
  }
  const parsed = admissionReview.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : issue.path.join('.') || '(root)';
    return {
      ok: false,
      message: `not an admission.k8s.io/v1 AdmissionReview: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const r = parsed.data.request;
  return {
    ok: true,
    request: {
      uid: r.uid,
      kind: r.kind,
      subResource: r.subResource === '' ? undefined : r.subResource,
      namespace: r.namespace ?? '',
      operation: r.operation,
      dryRun: r.dryRun ?? false,
      object: r.object ?? null,
      oldObject: r.oldObject ?? null,
    },
  };
}

/** The AdmissionReview answer for a decision. */
export function admissionResponse(uid: string, decision: AdmissionDecision): unknown {
  const warnings = decision.warnings.length > 0 ? { warnings: decision.warnings } : {};
  if (!decision.allowed) {
    return {
      apiVersion: API_VERSION,
      kind: 'AdmissionReview',
      response: {
        uid,
        allowed: false,
        status: { code: decision.code, message: decision.message },
        ...warnings,
      },
    };
  }
  const patch =
    decision.patch.length > 0
      ? {
          patchType: 'JSONPatch',
          patch: Buffer.from(JSON.stringify(decision.patch)).toString('base64'),
        }
      : {};
  return {
    apiVersion: API_VERSION,
    kind: 'AdmissionReview',
    response: { uid, allowed: true, ...patch, ...warnings },
  };
}
