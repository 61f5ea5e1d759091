// Body bytes → a typed payload, or the 400 reason: invalid UTF-8/JSON and wrong types are the
// sender's fault and are refused before anything else looks at the payload.

import type { z } from 'zod';

export type PayloadOutcome<T> =
  | { readonly ok: true; readonly payload: T }
  | { readonly ok: false; readonly status: 400; readonly reason: string };

/** Parses JSON text and checks it against `schema`; the reason names the first wrong field. */
export function parsePayload<T>(text: string, schema: z.ZodType<T>): PayloadOutcome<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'the body is not valid JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, payload: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  return {
    ok: false,
    status: 400,
    reason: `unexpected payload at ${where}: ${issue?.message ?? 'invalid'}`,
  };
}

/** Decodes UTF-8 strictly (a replacement character would hide a broken body). */
export function decodeUtf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** Both at once, for the common case of a JSON body. */
export function parseJsonBody<T>(body: Buffer, schema: z.ZodType<T>): PayloadOutcome<T> {
  const text = decodeUtf8(body);
  if (text === undefined) return { ok: false, status: 400, reason: 'the body is not UTF-8' };
  return parsePayload(text, schema);
}
