import type { Transfer } from '@swarmhub/api-types';
import { formatBytes, formatDuration, formatRate } from '../../lib/format';
import { ProgressBar } from './progress-bar';

const STATE_LABELS: Record<string, string> = {
  metadata: 'Fetching metadata',
  checking: 'Checking',
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  error: 'Error',
};

export function TransferList({
  transfers,
  selected,
  onSelect,
  onPause,
  onResume,
  onRemove,
}: {
  transfers: Transfer[];
  selected: string | null;
  onSelect: (infoHash: string) => void;
  onPause: (transfer: Transfer) => void;
  onResume: (transfer: Transfer) => void;
  onRemove: (transfer: Transfer, deleteData: boolean) => void;
}) {
  if (transfers.length === 0) {
    return (
      <p className="empty-state" role="status">
        Your agent has no transfers. Open a torrent in the <a href="/">catalog</a> and choose
        “Download with my agent”, add a magnet link, or create a torrent from a file below.
      </p>
    );
  }
  return (
    <ul className="transfer-list">
      {transfers.map((t) => {
        const paused = t.paused || t.state === 'paused';
        return (
          <li
            key={t.infoHash}
            className={`transfer${selected === t.infoHash ? ' transfer-selected' : ''}`}
            data-infohash={t.infoHash}
          >
            <div className="transfer-head">
              <h3 className="transfer-name">{t.name || t.infoHash}</h3>
              <span className={`state state-${t.state}`}>{STATE_LABELS[t.state] ?? t.state}</span>
            </div>
            <ProgressBar
              fraction={t.progress}
              label={`Progress of ${t.name || t.infoHash}`}
              state={t.state}
            />
            <dl className="transfer-stats">
              <div>
                <dt>Size</dt>
                <dd>{formatBytes(t.totalLength)}</dd>
              </div>
              <div>
                <dt>Down</dt>
                <dd>{formatRate(t.downloadRate)}</dd>
              </div>
              <div>
                <dt>Up</dt>
                <dd>{formatRate(t.uploadRate)}</dd>
              </div>
              <div>
                <dt>Peers</dt>
                <dd>
                  {t.peers} ({t.seeds} seeds)
                </dd>
              </div>
              <div>
                <dt>ETA</dt>
                <dd>{t.progress >= 1 ? 'done' : paused ? '–' : formatDuration(t.eta)}</dd>
              </div>
              <div>
                <dt>Ratio</dt>
                <dd>{Number.isFinite(t.ratio) ? t.ratio.toFixed(2) : '–'}</dd>
              </div>
            </dl>
            {t.error ? (
              <p className="field-error" role="alert">
                {t.error}
              </p>
            ) : null}
            <div className="transfer-actions">
              <button
                type="button"
                className="button"
                aria-expanded={selected === t.infoHash}
                aria-controls={selected === t.infoHash ? 'transfer-detail' : undefined}
                onClick={() => onSelect(t.infoHash)}
              >
                {selected === t.infoHash ? 'Hide details' : 'Details'}
              </button>
              {paused ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => onResume(t)}
                  aria-label={`Resume ${t.name}`}
                >
                  Resume
                </button>
              ) : (
                <button
                  type="button"
                  className="button"
                  onClick={() => onPause(t)}
                  aria-label={`Pause ${t.name}`}
                >
                  Pause
                </button>
              )}
              <button
                type="button"
                className="button"
                onClick={() => onRemove(t, false)}
                aria-label={`Remove ${t.name}, keep its files`}
              >
                Remove
              </button>
              <button
                type="button"
                className="button button-danger"
                aria-label={`Remove ${t.name} and delete its files`}
                onClick={() => {
                  if (
                    window.confirm(`Delete the downloaded files of “${t.name}” from ${t.saveDir}?`)
                  )
                    onRemove(t, true);
                }}
              >
                Remove and delete files
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
