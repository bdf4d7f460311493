'use client';

import { useEffect, useState } from 'react';

interface Counts {
  seeders: number;
  leechers: number;
  completed: number;
}

const POLL_MS = 5_000;

// Refreshes the counts while the page is open, so a swarm that grows is seen growing.
export function SwarmCounts({ infoHash, initial }: { infoHash: string; initial: Counts }) {
  const [counts, setCounts] = useState(initial);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let cancelled = false;
    async function refresh() {
      if (document.visibilityState === 'hidden') return;
      try {
        const response = await fetch(`/api/torrents/${infoHash}/swarm`, {
          cache: 'no-store',
          signal: AbortSignal.timeout(POLL_MS),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const next = (await response.json()) as Counts;
        if (!cancelled) {
          setCounts(next);
          setStale(false);
        }
      } catch {
        if (!cancelled) setStale(true);
      }
    }
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [infoHash]);

  return (
    <section aria-labelledby="swarm-heading" className="card">
      <h2 id="swarm-heading">Swarm</h2>
      <dl className="swarm-counts" data-testid="swarm-counts">
        <div>
          <dt>Seeders</dt>
          <dd className="seeders">{counts.seeders}</dd>
        </div>
        <div>
          <dt>Leechers</dt>
          <dd className="leechers">{counts.leechers}</dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd>{counts.completed}</dd>
        </div>
      </dl>
      <p className="muted small">
        {stale
          ? 'Could not refresh the counts; showing the last known.'
          : 'Updated every 5 seconds.'}
      </p>
    </section>
  );
}
