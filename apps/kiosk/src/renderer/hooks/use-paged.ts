import type { ApiResult, KioskParams, KioskResult } from '@jukebox/protocol';
import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/error-text.js';
import { useKioskApi } from '../app/stores-context.js';

type PagedMethod = 'listTracks' | 'listArtists';
type Item<M extends PagedMethod> = KioskResult<M>['items'][number];

interface Pages<T> {
  key: string;
  items: T[];
  total: number | null;
  loadedPages: number;
  error: string | null;
}

export interface PagedList<T> {
  items: T[];
  /** Null until the first page answers. */
  total: number | null;
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  /** Ask for the next page; ignored while one is loading or when all are in. */
  loadMore(): void;
}

const empty = <T>(key: string): Pages<T> => ({
  key,
  items: [],
  total: null,
  loadedPages: 0,
  error: null,
});

/** A list fetched page by page with offset/limit, for long A–Z and category lists. */
export function usePaged<M extends PagedMethod>(
  method: M,
  params: Omit<KioskParams<M>, 'offset' | 'limit'>,
  pageSize = 60,
): PagedList<Item<M>> {
  const api = useKioskApi();
  const key = `${method}:${JSON.stringify(params)}`;
  const [pages, setPages] = useState<Pages<Item<M>>>(() => empty(key));
  const [wanted, setWanted] = useState({ key, pages: 1 });
  const current = pages.key === key ? pages : empty<Item<M>>(key);
  const wantedPages = wanted.key === key ? wanted.pages : 1;

  useEffect(() => {
    let live = true;
    const base = JSON.parse(key.slice(method.length + 1)) as object;
    const call = api[method] as unknown as (
      p: object,
    ) => Promise<ApiResult<{ items: Item<M>[]; total: number }>>;
    void call({ ...base, offset: (wantedPages - 1) * pageSize, limit: pageSize }).then((result) => {
      if (!live) return;
      setPages((prev) => {
        const before = prev.key === key ? prev : empty<Item<M>>(key);
        if (!result.ok) return { ...before, error: errorText(result.error) };
        if (before.loadedPages >= wantedPages) return before;
        return {
          key,
          items: [...before.items, ...result.value.items],
          total: result.value.total,
          loadedPages: wantedPages,
          error: null,
        };
      });
    });
    return () => {
      live = false;
    };
  }, [api, method, key, wantedPages, pageSize]);

  const loading = current.loadedPages < wantedPages && current.error === null;
  const hasMore = current.total !== null && current.items.length < current.total;
  const loadMore = useCallback(() => {
    if (loading || !hasMore) return;
    setWanted({ key, pages: wantedPages + 1 });
  }, [loading, hasMore, key, wantedPages]);

  return {
    items: current.items,
    total: current.total,
    loading,
    error: current.error,
    hasMore,
    loadMore,
  };
}
