import { getTorrent, TrackerApiError } from '../../../../../lib/tracker-api';

// Live swarm counts for the torrent page, which polls this while it is open.
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ infoHash: string }> },
) {
  const infoHash = (await params).infoHash.toLowerCase();
  try {
    const torrent = await getTorrent(infoHash);
    if (!torrent)
      return Response.json({ message: 'No such torrent in the catalog.' }, { status: 404 });
    const { seeders, leechers, completed } = torrent;
    return Response.json(
      { seeders, leechers, completed },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch (error) {
    if (!(error instanceof TrackerApiError)) throw error;
    return Response.json({ message: error.message }, { status: 502 });
  }
}
