// Chunked lists (`limit` + `continue`), as kubectl and client-go's pager do, so a list of 50,000
// Pods never becomes one huge response. An expired continue token (410 Gone, after ~5 minutes)
// restarts the list once from the beginning, which is what client-go's pager falls back to.

import { ApiException } from '@kubernetes/client-node';

export const PAGE_SIZE = 500;

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
export async function listAllPages<T, K = T>(
  fetchPage: (continueToken: string | undefined) => Promise<ListPage<T>>,
  keep: (item: T) => K = (item) => item as unknown as K,
): Promise<K[]> {
  for (let restarts = 0; ; restarts++) {
    const items: K[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await fetchPage(token);
        for (const item of page.items ?? []) items.push(keep(item)); // PartialObjectMetadataList sends null for none
        token = page.metadata?._continue || page.metadata?.continue || undefined;
      } while (token !== undefined);
      return items;
    } catch (error) {
      const expired = error instanceof ApiException && error.code === 410 && token !== undefined;
      if (!expired || restarts > 0) throw error;
    }
  }
}
