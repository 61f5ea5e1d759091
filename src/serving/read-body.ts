// Reads a request body with a hard size limit, so a hostile or broken client cannot make a
// server buffer without bound. A body over the limit is an outcome (413), not an exception.

import type { IncomingMessage } from 'node:http';

export type BodyOutcome =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly status: 413 | 400; readonly message: string };

/** Collects the body up to `maxBytes`; stops reading (and drains nothing more) past it. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyOutcome> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        request.destroy();
        return tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, status: 400, message: 'the request body could not be read' };
  }
  return { ok: true, body: Buffer.concat(chunks, size) };
}

function tooLarge(maxBytes: number): BodyOutcome {
  return { ok: false, status: 413, message: `the request body is larger than ${maxBytes} bytes` };
}
