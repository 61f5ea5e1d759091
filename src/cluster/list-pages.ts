// Chunked lists (`limit` + `continue`), as kubectl and client-go's pager do, so a list of 50,000
// Pods never becomes one huge response. An expired continue token (410 Gone, after ~5 minutes)
// restarts the list once from the beginning, which is what client-go's pager falls back to.

import { ApiException } from '@kubernetes/client-node';

export const PAGE_SIZE = 500;

export interface ListPage<T> {
  readonly items: readonly T[] | null | undefined;
  readonly metadata?: { readonly _continue?: string | undefined } | undefined;
}

export async function listAllPages<T>(
  fetchPage: (continueToken: string | undefined) => Promise<ListPage<T>>,
): Promise<T[]> {
  for (let restarts = 0; ; restarts++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await fetchPage(token);
        items.push(...(page.items ?? [])); // PartialObjectMetadataList sends null for none
        token = page.metadata?._continue || undefined;
      } while (token !== undefined);
      return items;
    } catch (error) {
      const expired = error instanceof ApiException && error.code === 410 && token !== undefined;
      if (!expired || restarts > 0) throw error;
    }
  }
}
