// Chunked lists (`limit` + `continue`), as kubectl and client-go's pager do, so a list of 50,000
// Pods never becomes one huge response. An expired continue token (410 Gone, after ~5 minutes)
// restarts the list once from the beginning, which is what client-go's pager falls back to.

import { ApiException } from '@kubernetes/client-node';

export const PAGE_SIZE = 500;
/** 5 million objects at PAGE_SIZE: far past any real cluster, short of forever (F-10). */
export const MAX_PAGES = 10_000;

/**
 * An answer that is not the Kubernetes object it should be: a list whose `continue` token repeats
 * or that never ends, or an object whose fields have the wrong types. Reported as a ClusterError
 * (`bad-answer`, exit 3), never as a crash.
 */
export class BadAnswerError extends Error {
  override readonly name = 'BadAnswerError';
}

export interface ListPage<T> {
  readonly items: readonly T[] | null | undefined;
  /** `_continue` from client-node's models, `continue` in raw JSON. */
  readonly metadata?:
    { readonly _continue?: string | undefined; readonly continue?: string | undefined } | undefined;
}

/**
 * All items of a chunked list. `keep` maps each item as its page arrives — e.g. to drop the fields
 * kube-fresh never reads, so only one page of full objects is alive at a time.
 */
function checkPage<T>(page: ListPage<T>): ListPage<T> {
  const value: unknown = page;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadAnswerError('the API server sent a list page that is not an object');
  if (page.items !== undefined && page.items !== null && !Array.isArray(page.items))
    throw new BadAnswerError('the API server sent a list whose items are not a list');
  return page;
}

/** The page's `continue` token, recorded in `seen`; a token seen before would loop forever. */
function nextToken(page: ListPage<unknown>, seen: Set<string>): string | undefined {
  const raw = page.metadata?._continue || page.metadata?.continue || undefined;
  const token = typeof raw === 'string' ? raw : undefined;
  if (token === undefined) return undefined;
  if (seen.has(token))
    throw new BadAnswerError(
      `the list's continue token repeated after ${seen.size} pages, so the list would never end`,
    );
  seen.add(token);
  return token;
}

export async function listAllPages<T, K = T>(
  fetchPage: (continueToken: string | undefined) => Promise<ListPage<T>>,
  keep: (item: T) => K = (item) => item as unknown as K,
): Promise<K[]> {
  for (let restarts = 0; ; restarts++) {
    const items: K[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    try {
      do {
        if (seen.size >= MAX_PAGES)
          throw new BadAnswerError(`the list did not end after ${MAX_PAGES} pages`);
        const page = checkPage(await fetchPage(token));
        for (const item of page.items ?? []) items.push(keep(item)); // PartialObjectMetadataList sends null for none
        token = nextToken(page, seen);
      } while (token !== undefined);
      return items;
    } catch (error) {
      const expired = error instanceof ApiException && error.code === 410 && token !== undefined;
      if (!expired || restarts > 0) throw error;
    }
  }
}
