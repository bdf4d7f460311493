import Link from 'next/link';
import { catalogHref, type CatalogParams } from '../../lib/catalog-query';
import { formatAge, formatBytes, formatTimestamp } from '../../lib/format';
import type { TorrentPage } from '@swarmhub/api-types';
import { Pagination } from './pagination';

export function CatalogResults({
  params,
  results,
}: {
  params: CatalogParams;
  results: TorrentPage;
}) {
  const filtered = Boolean(params.q || params.category);
  if (results.total === 0) {
    return filtered ? (
      <div className="empty-state" role="status">
        <h2>No torrents match</h2>
        <p>
          Nothing in the catalog matches {params.q ? <>“{params.q}”</> : 'this filter'}
          {params.category ? <> in {params.category}</> : null}.{' '}
          <Link href="/">Show everything</Link>.
        </p>
      </div>
    ) : (
      <div className="empty-state" role="status">
        <h2>The catalog is empty</h2>
        <p>No one has shared a torrent here yet. To add one:</p>
        <ol>
          <li>
            <Link href="/upload">Upload a .torrent file</Link> you already have, or
          </li>
          <li>
            create one from a file on your computer with your agent:{' '}
            <code>npx peer-agent create ./my-file --publish</code>, or use “Create and publish” on{' '}
            <Link href="/agent">My agent</Link>.
          </li>
        </ol>
      </div>
    );
  }

  const now = new Date();
  const firstRow = (results.page - 1) * results.pageSize + 1;
  const lastRow = firstRow + results.items.length - 1;
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading" className="results-summary" aria-live="polite">
        {results.items.length === 0
          ? `No torrents on page ${results.page} of ${results.total}`
          : `Torrents ${firstRow}–${lastRow} of ${results.total}`}
      </h2>
      <div className="table-wrap">
        <table className="torrent-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Seeders
              </th>
              <th scope="col" className="num">
                Leechers
              </th>
              <th scope="col" className="num">
                Completed
              </th>
              <th scope="col" className="num">
                Age
              </th>
            </tr>
          </thead>
          <tbody>
            {results.items.map((torrent) => (
              <tr key={torrent.infoHash}>
                <th scope="row" className="torrent-name">
                  <Link href={`/torrents/${torrent.infoHash}`}>
                    {torrent.title || torrent.name}
                  </Link>
                  {torrent.category ? <span className="badge">{torrent.category}</span> : null}
                </th>
                <td className="num" data-label="Size">
                  {formatBytes(torrent.totalSize)}
                </td>
                <td className="num seeders" data-label="Seeders">
                  {torrent.seeders}
                </td>
                <td className="num leechers" data-label="Leechers">
                  {torrent.leechers}
                </td>
                <td className="num" data-label="Completed">
                  {torrent.completed}
                </td>
                <td className="num" data-label="Age">
                  <time dateTime={torrent.uploadedAt} title={formatTimestamp(torrent.uploadedAt)}>
                    {formatAge(torrent.uploadedAt, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination params={params} total={results.total} pageSize={results.pageSize} />
      {results.items.length === 0 ? (
        <p>
          <Link href={catalogHref(params, { page: 1 })}>Back to the first page</Link>
        </p>
      ) : null}
    </section>
  );
}
