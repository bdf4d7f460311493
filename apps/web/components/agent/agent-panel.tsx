'use client';

import { useEffect, useState } from 'react';
import type { Transfer } from '@swarmhub/api-types';
import { AgentError } from '../../lib/agent-client';
import { AddMagnetForm } from './add-magnet-form';
import { AgentStatusBanner } from './agent-status-banner';
import { CreateTorrentForm } from './create-torrent-form';
import { PairingForm } from './pairing-form';
import { TransferDetailPanel } from './transfer-detail-panel';
import { TransferList } from './transfer-list';
import { useAgentConnection } from './use-agent-connection';

export function AgentPanel({
  announceUrl,
  catalogUrl,
}: {
  announceUrl: string;
  catalogUrl: string;
}) {
  const { pairing, client, status, transfers, pair, unpair, retryNow, upsert, drop } =
    useAgentConnection();
  const [selected, setSelected] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    // "Download with my agent" links here with ?select=<infoHash>.
    const fromLink = new URLSearchParams(window.location.search).get('select');
    if (fromLink && /^[0-9a-f]{40}$/.test(fromLink)) setSelected(fromLink);
  }, []);

  async function act(action: () => Promise<unknown>) {
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(error instanceof AgentError ? error.message : String(error));
    }
  }

  const sorted = [...transfers].sort(
    (a, b) => b.addedAt.localeCompare(a.addedAt) || a.name.localeCompare(b.name),
  );
  const selectedTransfer = sorted.find((t) => t.infoHash === selected);
  const connected = status.kind === 'connected' && client;

  return (
    <div className="agent-panel">
      <AgentStatusBanner status={status} pairing={pairing} onRetry={retryNow} onUnpair={unpair} />
      {status.kind === 'not-paired' || status.kind === 'unreachable' ? (
        <PairingForm initial={pairing} onPair={pair} />
      ) : null}

      {connected ? (
        <>
          {actionError ? (
            <div className="notice notice-error" role="alert">
              <p>{actionError}</p>
            </div>
          ) : null}
          <section aria-labelledby="transfers-heading">
            <h2 id="transfers-heading">Transfers</h2>
            <TransferList
              transfers={sorted}
              selected={selected}
              onSelect={(infoHash) =>
                setSelected((current) => (current === infoHash ? null : infoHash))
              }
              onPause={(t: Transfer) => act(async () => upsert(await client.pause(t.infoHash)))}
              onResume={(t: Transfer) => act(async () => upsert(await client.resume(t.infoHash)))}
              onRemove={(t: Transfer, deleteData: boolean) =>
                act(async () => {
                  await client.remove(t.infoHash, deleteData);
                  drop(t.infoHash);
                  if (selected === t.infoHash) setSelected(null);
                })
              }
            />
          </section>
          {selectedTransfer ? (
            <TransferDetailPanel
              client={client}
              transfer={selectedTransfer}
              onClose={() => setSelected(null)}
            />
          ) : null}
          <div className="agent-forms">
            <AddMagnetForm client={client} onAdded={upsert} />
            <CreateTorrentForm
              client={client}
              announceUrl={announceUrl}
              catalogUrl={catalogUrl}
              onCreated={upsert}
            />
          </div>
        </>
      ) : null}
    </div>
  );
}
