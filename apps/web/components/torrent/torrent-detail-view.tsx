import { formatBytes, formatTimestamp } from '../../lib/format';
import type { CompletionSeries, TorrentDetail } from '@swarmhub/api-types';
import { CompletionsChart } from './completions-chart';
import { CopyButton } from './copy-button';
import { DownloadWithAgent } from './download-with-agent';
import { FileTreeView } from './file-tree-view';
import { SwarmCounts } from './swarm-counts';

export function TorrentDetailView({
  torrent,
  completions,
  agentTorrentUrl,
}: {
  torrent: TorrentDetail;
  completions: CompletionSeries | null;
  agentTorrentUrl: string;
}) {
  const title = torrent.title || torrent.name;
  return (
    <article className="torrent-detail">
      <header className="torrent-header">
        <h1>{title}</h1>
        {torrent.category || torrent.tags.length > 0 ? (
          <ul className="tag-list" aria-label="Category and tags">
            {torrent.category ? <li className="badge">{torrent.category}</li> : null}
            {torrent.tags.map((tag) => (
              <li key={tag} className="tag">
                #{tag}
              </li>
            ))}
          </ul>
        ) : null}
      </header>

      <section aria-labelledby="get-heading" className="card get-card">
        <h2 id="get-heading">Get it</h2>
        <DownloadWithAgent torrentUrl={agentTorrentUrl} infoHash={torrent.infoHash} name={title} />
        <div className="get-links">
          <a className="button" href={`/torrents/${torrent.infoHash}/download`} download>
            Download .torrent
          </a>
          <a className="button" href={torrent.magnet}>
            Open magnet link
          </a>
          <CopyButton text={torrent.magnet} label="Copy magnet link" />
        </div>
        <label className="magnet-field">
          <span>Magnet link</span>
          <input type="text" readOnly value={torrent.magnet} />
        </label>
      </section>

      <SwarmCounts
        infoHash={torrent.infoHash}
        initial={{
          seeders: torrent.seeders,
          leechers: torrent.leechers,
          completed: torrent.completed,
        }}
      />

      {torrent.description ? (
        <section aria-labelledby="description-heading" className="card">
          <h2 id="description-heading">Description</h2>
          <p className="description">{torrent.description}</p>
        </section>
      ) : null}

      <section aria-labelledby="details-heading" className="card">
        <h2 id="details-heading">Details</h2>
        <dl className="facts">
          <dt>Info hash</dt>
          <dd>
            <code className="info-hash">{torrent.infoHash}</code>
          </dd>
          <dt>Name</dt>
          <dd>{torrent.name}</dd>
          <dt>Size</dt>
          <dd>
            {formatBytes(torrent.totalSize)}{' '}
            <span className="muted">({torrent.totalSize.toLocaleString('en')} bytes)</span>
          </dd>
          <dt>Pieces</dt>
          <dd>
            {torrent.pieceCount.toLocaleString('en')} × {formatBytes(torrent.pieceLength)}
          </dd>
          <dt>Files</dt>
          <dd>{torrent.fileCount}</dd>
          <dt>Created by</dt>
          <dd>{torrent.createdBy || <span className="muted">not stated</span>}</dd>
          {torrent.creationDate ? (
            <>
              <dt>Created</dt>
              <dd>{formatTimestamp(torrent.creationDate)}</dd>
            </>
          ) : null}
          <dt>Uploaded</dt>
          <dd>{formatTimestamp(torrent.uploadedAt)}</dd>
          {torrent.comment ? (
            <>
              <dt>Comment</dt>
              <dd>{torrent.comment}</dd>
            </>
          ) : null}
          <dt>Private</dt>
          <dd>{torrent.private ? 'yes (peers only from the tracker)' : 'no'}</dd>
        </dl>
      </section>

      <section aria-labelledby="files-heading" className="card">
        <h2 id="files-heading">Files</h2>
        <FileTreeView files={torrent.files} />
      </section>

      <section aria-labelledby="completions-heading" className="card">
        <h2 id="completions-heading">Completions over time</h2>
        <CompletionsChart series={completions} />
      </section>
    </article>
  );
}
