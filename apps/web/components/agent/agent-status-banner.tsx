import type { AgentPairing } from '../../lib/agent-client';
import type { ConnectionStatus } from './use-agent-connection';

const START_COMMAND = 'npx peer-agent serve';

export function AgentStatusBanner({
  status,
  pairing,
  onRetry,
  onUnpair,
}: {
  status: ConnectionStatus;
  pairing: AgentPairing | null;
  onRetry: () => void;
  onUnpair: () => void;
}) {
  switch (status.kind) {
    case 'loading':
    case 'connecting':
      return (
        <div className="notice" role="status" aria-live="polite">
          <p>Connecting to your agent{pairing ? ` at ${pairing.agentUrl}` : ''}…</p>
        </div>
      );
    case 'not-paired':
      return (
        <div className="notice notice-warn" role="status" data-testid="agent-status">
          <h2>No agent paired with this browser</h2>
          <p>
            Your agent is the program on your computer that downloads and seeds. To use it from this
            page:
          </p>
          <ol>
            <li>
              Start it: <code>{START_COMMAND}</code>
            </li>
            <li>
              Open the pairing link it prints (<code>…/agent#agent=…&amp;token=…</code>) in this
              browser, or paste its address and token below.
            </li>
          </ol>
        </div>
      );
    case 'connected':
      return (
        <div className="notice notice-ok" role="status" data-testid="agent-status">
          <p>
            Connected to your agent at <code>{pairing?.agentUrl}</code> (version{' '}
            {status.health.version}, peer port {status.health.peerPort}).{' '}
            <button type="button" className="link-button" onClick={onUnpair}>
              Forget this agent
            </button>
          </p>
        </div>
      );
    case 'unreachable':
      return (
        <div className="notice notice-error" role="alert" data-testid="agent-status">
          <h2>{headline(status.code)}</h2>
          <p>{status.message}</p>
          {advice(status.code)}
          <p>
            {status.retryInSeconds !== null ? `Trying again in ${status.retryInSeconds} s. ` : null}
            <button type="button" className="button" onClick={onRetry}>
              Try again now
            </button>{' '}
            <button type="button" className="link-button" onClick={onUnpair}>
              Forget this agent
            </button>
          </p>
        </div>
      );
  }
}

function headline(code: string): string {
  if (code === 'UNAUTHORIZED') return 'Your agent did not accept this browser';
  if (code === 'FORBIDDEN') return 'Your agent does not allow this site';
  if (code === 'TIMEOUT') return 'Your agent is not answering';
  return 'Your agent cannot be reached';
}

function advice(code: string) {
  if (code === 'UNAUTHORIZED') {
    return (
      <p>
        The stored token is wrong or old (the agent makes a new one when its data directory is new).
        Open the pairing link it prints at start again.
      </p>
    );
  }
  if (code === 'FORBIDDEN') {
    return (
      <p>
        The agent only answers pages from the web origins on its allow-list. Restart it with{' '}
        <code>{START_COMMAND} --allow-origin &lt;this site&apos;s address&gt;</code>.
      </p>
    );
  }
  return (
    <ul>
      <li>
        Is it running? Start it with <code>{START_COMMAND}</code> and keep it open.
      </li>
      <li>
        Is this the computer it runs on? The agent only listens on its own computer (127.0.0.1).
      </li>
      <li>
        Did the browser block the request? When this site is served from another machine, Chromium
        asks whether it may reach devices on your local network: choose “Allow”. See{' '}
        <a href="#agent-help">how pairing works</a>.
      </li>
    </ul>
  );
}
