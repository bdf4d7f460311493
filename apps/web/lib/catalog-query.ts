// Turns the catalog page's URL parameters into a tracker query. The URL uses the words a person
// reads in the sort menu ("newest"); the tracker takes a field and an order.

import type { CatalogQuery, CatalogSortField } from '@swarmhub/api-types';

export const SORT_OPTIONS = [
  { value: 'newest', label: 'Newest', field: 'uploaded', order: 'desc' },
  { value: 'seeders', label: 'Most seeders', field: 'seeders', order: 'desc' },
  { value: 'leechers', label: 'Most leechers', field: 'leechers', order: 'desc' },
  { value: 'completed', label: 'Most completed', field: 'completed', order: 'desc' },
  { value: 'size', label: 'Largest', field: 'size', order: 'desc' },
  { value: 'name', label: 'Name (A–Z)', field: 'name', order: 'asc' },
] as const satisfies readonly {
  value: string;
  label: string;
  field: CatalogSortField;
  order: 'asc' | 'desc';
}[];

export type SortOption = (typeof SORT_OPTIONS)[number]['value'];

export const PAGE_SIZE = 20;
const MAX_QUERY_LENGTH = 200;

export interface CatalogParams {
  q: string;
  category: string;
  sort: SortOption;
  page: number;
}

type RawParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function parseCatalogParams(raw: RawParams): CatalogParams {
  const q = first(raw.q).trim().slice(0, MAX_QUERY_LENGTH);
  const category = first(raw.category).trim().slice(0, MAX_QUERY_LENGTH);
  const sortValue = first(raw.sort);
  const sort = SORT_OPTIONS.find((option) => option.value === sortValue)?.value ?? 'newest';
  const pageNumber = Number.parseInt(first(raw.page), 10);
  const page =
    Number.isFinite(pageNumber) && pageNumber >= 1 && pageNumber <= 1_000_000 ? pageNumber : 1;
  return { q, category, sort, page };
}

export function toTrackerQuery(params: CatalogParams): CatalogQuery {
  const option = SORT_OPTIONS.find((o) => o.value === params.sort) ?? SORT_OPTIONS[0];
  return {
    q: params.q || undefined,
    category: params.category || undefined,
    sort: option.field,
    order: option.order,
    page: params.page,
    pageSize: PAGE_SIZE,
  };
}

/** The catalog URL for these parameters, leaving defaults out so links stay short. */
export function catalogHref(params: CatalogParams, change: Partial<CatalogParams> = {}): string {
  const next = { ...params, ...change };
  const search = new URLSearchParams();
  if (next.q) search.set('q', next.q);
  if (next.category) search.set('category', next.category);
  if (next.sort !== 'newest') search.set('sort', next.sort);
  if (next.page > 1) search.set('page', String(next.page));
  const qs = search.toString();
  return qs ? `/?${qs}` : '/';
}
