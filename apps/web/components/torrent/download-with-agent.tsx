'use client';

import Link from 'next/link';
import { useState } from 'react';
import { AgentClient, AgentError, loadPairing } from '../../lib/agent-client';

type Status =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'added'; state: string }
  | { kind: 'not-paired' }
  | { kind: 'failed'; message: string; code: string };

// Sends the catalog's .torrent address to the user's own agent, which fetches it from the
// tracker itself; the browser only passes the address along.
export function DownloadWithAgent({
  torrentUrl,
  infoHash,
  name,
}: {
  torrentUrl: string;
  infoHash: string;
  name: string;
}) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  async function send() {
    const pairing = loadPairing();
    if (!pairing) {
      setStatus({ kind: 'not-paired' });
      return;
    }
    setStatus({ kind: 'sending' });
    try {
      const transfer = await new AgentClient(pairing).addTransfer({ url: torrentUrl });
      setStatus({ kind: 'added', state: transfer.state });
    } catch (error) {
      if (error instanceof AgentError)
        setStatus({ kind: 'failed', message: error.message, code: error.code });
      else setStatus({ kind: 'failed', message: String(error), code: 'UNKNOWN' });
    }
  }

  return (
    <div className="agent-download">
      <button
        type="button"
        className="button button-primary"
        onClick={() => void send()}
        disabled={status.kind === 'sending'}
        aria-describedby={`agent-download-status-${infoHash}`}
      >
        {status.kind === 'sending' ? 'Sending to your agent…' : 'Download with my agent'}
      </button>
      <div
        id={`agent-download-status-${infoHash}`}
        role="status"
        aria-live="polite"
        className="agent-download-status"
      >
        {status.kind === 'added' ? (
          <p className="ok">
            Your agent is fetching “{name}” ({status.state}).{' '}
            <Link href={`/agent?select=${infoHash}`}>Watch the progress</Link>.
          </p>
        ) : null}
        {status.kind === 'not-paired' ? (
          <p className="warn">
            This browser is not paired with an agent yet. Start one with{' '}
            <code>npx peer-agent serve</code> and open the pairing link it prints, or see{' '}
            <Link href="/agent">My agent</Link>.
          </p>
        ) : null}
        {status.kind === 'failed' ? (
          <p className="warn">
            {status.message} <Link href="/agent">Check your agent</Link>.
          </p>
        ) : null}
      </div>
    </div>
  );
}
