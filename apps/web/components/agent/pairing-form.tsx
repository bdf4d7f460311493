'use client';

import { useId, useState, type FormEvent } from 'react';
import { DEFAULT_AGENT_URL, normaliseAgentUrl, type AgentPairing } from '../../lib/agent-client';

// Manual pairing, for when opening the agent's pairing link is not convenient.
export function PairingForm({
  initial,
  onPair,
}: {
  initial: AgentPairing | null;
  onPair: (pairing: AgentPairing) => void;
}) {
  const ids = useId();
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const agentUrl = normaliseAgentUrl(String(data.get('agentUrl') ?? '').trim());
    const token = String(data.get('token') ?? '').trim();
    if (!agentUrl)
      return setProblem(
        'The agent address must be an http:// address, such as http://127.0.0.1:6880.',
      );
    if (!token) return setProblem("Paste the agent's token (in its data directory, file token).");
    setProblem(null);
    onPair({ agentUrl, token });
  }

  return (
    <details className="card pairing-form" open={!initial}>
      <summary>Pair by hand</summary>
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${ids}-url`}>Agent address</label>
            <input
              id={`${ids}-url`}
              name="agentUrl"
              type="url"
              defaultValue={initial?.agentUrl ?? DEFAULT_AGENT_URL}
              required
            />
          </div>
          <div className="field field-grow">
            <label htmlFor={`${ids}-token`}>Token</label>
            <input id={`${ids}-token`} name="token" type="password" autoComplete="off" required />
          </div>
        </div>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" className="button button-primary">
          Pair
        </button>
      </form>
    </details>
  );
}
