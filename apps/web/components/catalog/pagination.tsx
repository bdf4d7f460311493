import Link from 'next/link';
import { catalogHref, type CatalogParams } from '../../lib/catalog-query';

export function Pagination({
  params,
  total,
  pageSize,
}: {
  params: CatalogParams;
  total: number;
  pageSize: number;
}) {
  const pageCount = Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
  if (pageCount <= 1) return null;
  const current = Math.min(params.page, pageCount);
  // The first, the last and two on each side of the current page; gaps shown as an ellipsis.
  const shown = new Set([
    1,
    pageCount,
    current - 2,
    current - 1,
    current,
    current + 1,
    current + 2,
  ]);
  const pages = [...shown].filter((p) => p >= 1 && p <= pageCount).sort((a, b) => a - b);
  return (
    <nav aria-label="Pages" className="pagination">
      {current > 1 ? (
        <Link href={catalogHref(params, { page: current - 1 })} rel="prev">
          ← Previous
        </Link>
      ) : null}
      <ol>
        {pages.map((page, index) => (
          <li key={page}>
            {index > 0 && page - pages[index - 1]! > 1 ? <span aria-hidden="true">…</span> : null}
            {page === current ? (
              <span aria-current="page" className="current-page">
                {page}
              </span>
            ) : (
              <Link href={catalogHref(params, { page })} aria-label={`Page ${page}`}>
                {page}
              </Link>
            )}
          </li>
        ))}
      </ol>
      {current < pageCount ? (
        <Link href={catalogHref(params, { page: current + 1 })} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  );
}
