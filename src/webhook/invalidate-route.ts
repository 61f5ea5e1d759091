// `POST /invalidate`: the cross-process form of `invalidate(tagKey)`, for a controller that runs
// in another process. Off unless a token file is given; the caller sends `Authorization: Bearer
// <token>` (compared in constant time) and `{"images": ["nginx:1.27", "reg:5000/app:v1", …]}`;
// each reference is normalised to its tag key, so any spelling of a tag invalidates it.

import { timingSafeEqual, createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { parseImageReference, tagKey } from '../core/image-reference.ts';
import { sendJson, sendText, type Route } from '../serving/http-server.ts';
import { readBody } from '../serving/read-body.ts';

const MAX_BODY = 64 * 1024;
const MAX_IMAGES = 1_000;

export function invalidateRoute(
  token: string,
  invalidate: (tagKey: string) => void,
  logger: Logger,
): Route {
  const expected = digestOf(token);
  return {
    method: 'POST',
    path: '/invalidate',
    handle: async (request, response) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!timingSafeEqual(digestOf(given), expected)) {
        logger.warn('invalidate refused: missing or wrong bearer token');
        return sendText(response, 401, 'unauthorized\n');
      }
      const body = await readBody(request, MAX_BODY);
      if (!body.ok) return sendText(response, body.status, `${body.message}\n`);
      const images = parseImages(body.body);
      if (images === undefined) {
        return sendText(
          response,
          400,
          `expected {"images": [up to ${MAX_IMAGES} image references]}\n`,
        );
      }
      const keys = images.flatMap((image) => {
        const parsed = parseImageReference(image);
        const key = parsed.ok ? tagKey(parsed.reference) : undefined;
        return key === undefined ? [] : [key];
      });
      for (const key of keys) invalidate(key);
      logger.info({ invalidated: keys.length }, 'tags invalidated');
      sendJson(response, 200, { invalidated: keys });
    },
  };
}

function parseImages(body: Buffer): string[] | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { images?: unknown };
    const images = parsed.images;
    if (!Array.isArray(images) || images.length > MAX_IMAGES) return undefined;
    return images.every((i): i is string => typeof i === 'string') ? images : undefined;
  } catch {
    return undefined;
  }
}

/** Equal-length inputs for timingSafeEqual, whatever the token's length. */
function digestOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
