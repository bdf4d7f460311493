import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { TorrentDetailView } from '../../../components/torrent/torrent-detail-view';
import { TrackerUnavailable } from '../../../components/catalog/tracker-unavailable';
import {
  getCompletions,
  getTorrent,
  isInfoHash,
  publicTorrentFileUrl,
  TrackerApiError,
} from '../../../lib/tracker-api';
import type { CompletionSeries } from '@swarmhub/api-types';

type Props = { params: Promise<{ infoHash: string }> };

// The metadata and the page need the same record: one request to the tracker per page view.
const loadTorrent = cache(getTorrent);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { infoHash } = await params;
  try {
    const torrent = await loadTorrent(infoHash.toLowerCase());
    return { title: torrent ? torrent.title || torrent.name : 'Torrent not found' };
  } catch {
    return { title: 'Torrent' };
  }
}

export default async function TorrentPage({ params }: Props) {
  const infoHash = (await params).infoHash.toLowerCase();
  if (!isInfoHash(infoHash)) notFound();
  try {
    const torrent = await loadTorrent(infoHash);
    if (!torrent) notFound();
    // A young torrent reads best by the hour, an older one by the day.
    const ageMs = Date.now() - Date.parse(torrent.uploadedAt);
    const bucket = ageMs < 3 * 24 * 3600 * 1000 ? 'hour' : 'day';
    const completions = await getCompletions(infoHash, bucket).catch(
      (): CompletionSeries | null => null,
    );
    return (
      <TorrentDetailView
        torrent={torrent}
        completions={completions}
        agentTorrentUrl={publicTorrentFileUrl(torrent)}
      />
    );
  } catch (error) {
    if (!(error instanceof TrackerApiError)) throw error;
    return (
      <>
        <h1>Torrent {infoHash}</h1>
        <TrackerUnavailable message={error.message} />
      </>
    );
  }
}
