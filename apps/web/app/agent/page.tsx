import type { Metadata } from 'next';
import { AgentHelp } from '../../components/agent/agent-help';
import { AgentPanel } from '../../components/agent/agent-panel';
import { trackerPublicUrl } from '../../lib/tracker-api';

export const metadata: Metadata = { title: 'My agent' };

// The tracker's public address is configuration read at request time, not at build time.
export const dynamic = 'force-dynamic';

export default function AgentPage() {
  const catalogUrl = trackerPublicUrl();
  return (
    <>
      <h1>My agent</h1>
      <AgentPanel announceUrl={`${catalogUrl}/announce`} catalogUrl={catalogUrl} />
      <AgentHelp />
    </>
  );
}
