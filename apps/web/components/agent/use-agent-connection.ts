'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Health, Transfer } from '@swarmhub/api-types';
import {
  AgentClient,
  AgentError,
  forgetPairing,
  loadPairing,
  pairingFromFragment,
  savePairing,
  type AgentErrorCode,
  type AgentPairing,
} from '../../lib/agent-client';

export type ConnectionStatus =
  | { kind: 'loading' }
  | { kind: 'not-paired' }
  | { kind: 'connecting' }
  | { kind: 'connected'; health: Health }
  | { kind: 'unreachable'; code: AgentErrorCode; message: string; retryInSeconds: number | null };

const RETRY_DELAYS_S = [2, 4, 8, 15, 30];

/**
 * Pairs with the agent (from the pairing link's fragment or stored), loads its transfers and
 * keeps them current from its event stream, reconnecting with backoff when the stream breaks.
 */
export function useAgentConnection() {
  const [pairing, setPairing] = useState<AgentPairing | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ kind: 'loading' });
  const [transfers, setTransfers] = useState<Map<string, Transfer>>(new Map());
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);

  useEffect(() => {
    const fromLink = pairingFromFragment(window.location.hash);
    if (fromLink) {
      savePairing(fromLink);
      // The token must not linger in the address bar, the history or a bookmark.
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
    }
    const stored = fromLink ?? loadPairing();
    setPairing(stored);
    if (!stored) setStatus({ kind: 'not-paired' });
  }, []);

  const client = useMemo(() => (pairing ? new AgentClient(pairing) : null), [pairing]);

  useEffect(() => {
    if (!client) return;
    const controller = new AbortController();
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    function scheduleRetry(error: unknown) {
      if (controller.signal.aborted) return;
      const agentError =
        error instanceof AgentError
          ? error
          : new AgentError('UNREACHABLE', error instanceof Error ? error.message : String(error));
      // A refused token or origin will not heal by retrying: the user has to act.
      const permanent = agentError.code === 'UNAUTHORIZED' || agentError.code === 'FORBIDDEN';
      const delay = RETRY_DELAYS_S[Math.min(failures.current, RETRY_DELAYS_S.length - 1)]!;
      failures.current += 1;
      setStatus({
        kind: 'unreachable',
        code: agentError.code,
        message: agentError.message,
        retryInSeconds: permanent ? null : delay,
      });
      if (!permanent) retryTimer = setTimeout(() => setAttempt((n) => n + 1), delay * 1000);
    }

    async function connect() {
      setStatus((previous) => (previous.kind === 'connected' ? previous : { kind: 'connecting' }));
      try {
        const health = await client!.health();
        const list = await client!.listTransfers();
        if (controller.signal.aborted) return;
        setTransfers(new Map(list.map((t) => [t.infoHash, t])));
        setStatus({ kind: 'connected', health });
        failures.current = 0;
        await client!.streamEvents((event) => {
          setTransfers((previous) => {
            const next = new Map(previous);
            if (event.type === 'transfer') next.set(event.transfer.infoHash, event.transfer);
            else next.delete(event.infoHash);
            return next;
          });
        }, controller.signal);
        // The agent closed the stream (restart, shutdown): reconnect.
        scheduleRetry(new AgentError('UNREACHABLE', 'The agent closed its event stream.'));
      } catch (error) {
        if (!controller.signal.aborted) scheduleRetry(error);
      }
    }

    void connect();
    return () => {
      controller.abort();
      if (retryTimer) clearTimeout(retryTimer);
    };
  }, [client, attempt]);

  const pair = useCallback((next: AgentPairing) => {
    savePairing(next);
    failures.current = 0;
    setPairing(next);
    setStatus({ kind: 'connecting' });
  }, []);

  const unpair = useCallback(() => {
    forgetPairing();
    setPairing(null);
    setTransfers(new Map());
    setStatus({ kind: 'not-paired' });
  }, []);

  const retryNow = useCallback(() => {
    failures.current = 0;
    setAttempt((n) => n + 1);
  }, []);

  /** Applies a transfer the agent just returned from an action, before its event arrives. */
  const upsert = useCallback((transfer: Transfer) => {
    setTransfers((previous) => new Map(previous).set(transfer.infoHash, transfer));
  }, []);

  const drop = useCallback((infoHash: string) => {
    setTransfers((previous) => {
      const next = new Map(previous);
      next.delete(infoHash);
      return next;
    });
  }, []);

  return {
    pairing,
    client,
    status,
    transfers: [...transfers.values()],
    pair,
    unpair,
    retryNow,
    upsert,
    drop,
  };
}
