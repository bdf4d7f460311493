'use client';

import { useEffect, useState } from 'react';
import type { Transfer, TransferDetail } from '@swarmhub/api-types';
import { AgentError, type AgentClient } from '../../lib/agent-client';
import { formatBytes, formatPercent, formatRate } from '../../lib/format';
import { PieceMap } from './piece-map';

const REFRESH_MS = 2_000;

// The event stream carries the summary; pieces, peers and files come from the detail endpoint,
// refreshed while the panel is open.
export function TransferDetailPanel({
  client,
  transfer,
  onClose,
}: {
  client: AgentClient;
  transfer: Transfer;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<TransferDetail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function load() {
      try {
        const next = await client.getTransfer(transfer.infoHash);
        if (cancelled) return;
        setDetail(next);
        setProblem(null);
      } catch (error) {
        if (!cancelled) setProblem(error instanceof AgentError ? error.message : String(error));
      }
      if (!cancelled) timer = setTimeout(() => void load(), REFRESH_MS);
    }
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [client, transfer.infoHash]);

  return (
    <section
      id="transfer-detail"
      className="card transfer-detail"
      aria-labelledby="transfer-detail-heading"
    >
      <div className="transfer-head">
        <h2 id="transfer-detail-heading">{transfer.name || transfer.infoHash}</h2>
        <button type="button" className="button" onClick={onClose}>
          Close details
        </button>
      </div>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {!detail ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted small">
            Info hash <code>{detail.infoHash}</code> · saved in <code>{detail.saveDir}</code>
          </p>
          <h3>Pieces</h3>
          <PieceMap
            bitfield={detail.bitfield}
            inProgress={detail.inProgress}
            pieceCount={detail.pieceCount}
          />

          <h3>Peers</h3>
          {detail.peers.length === 0 ? (
            <p className="muted">Not connected to any peer.</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table">
                <caption className="visually-hidden">Connected peers</caption>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Client</th>
                    <th scope="col" className="num">
                      Has
                    </th>
                    <th scope="col" className="num">
                      Down
                    </th>
                    <th scope="col" className="num">
                      Up
                    </th>
                    <th scope="col">Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.peers.map((peer) => (
                    <tr key={`${peer.address}:${peer.port}`}>
                      <td>
                        <code>
                          {peer.address.includes(':') ? `[${peer.address}]` : peer.address}:
                          {peer.port}
                        </code>
                      </td>
                      <td>{peer.client}</td>
                      <td className="num">{formatPercent(peer.progress)}</td>
                      <td className="num">{formatRate(peer.downloadRate)}</td>
                      <td className="num">{formatRate(peer.uploadRate)}</td>
                      <td>
                        <code>{peer.flags}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h3>Files</h3>
          <ul className="file-progress">
            {detail.files.map((file) => (
              <li key={file.path}>
                <span className="file-name">{file.path}</span>{' '}
                <span className="file-size">
                  {formatBytes(file.downloaded)} of {formatBytes(file.length)} (
                  {formatPercent(file.length > 0 ? file.downloaded / file.length : 1)})
                </span>
              </li>
            ))}
          </ul>

          {detail.trackers.length > 0 ? (
            <>
              <h3>Trackers</h3>
              <ul className="tracker-list">
                {detail.trackers.map((tracker) => (
                  <li key={`${tracker.tier}-${tracker.url}`}>
                    <code>{tracker.url}</code> — {tracker.lastResult ?? 'not announced yet'}
                    {tracker.seeders !== undefined
                      ? ` · ${tracker.seeders} seeders, ${tracker.leechers ?? 0} leechers`
                      : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
