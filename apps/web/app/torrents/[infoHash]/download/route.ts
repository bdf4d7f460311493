import { fetchTorrentFile, isInfoHash, TrackerApiError } from '../../../../lib/tracker-api';

// The browser downloads the .torrent through the web server, so it works even when the tracker
// API is only reachable from the web server's network.
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ infoHash: string }> },
) {
  const infoHash = (await params).infoHash.toLowerCase();
  if (!isInfoHash(infoHash)) return new Response('Not a valid info hash.\n', { status: 404 });
  try {
    const upstream = await fetchTorrentFile(infoHash);
    const headers = new Headers({
      'Content-Type': 'application/x-bittorrent',
      'Cache-Control': 'no-store',
    });
    const disposition = upstream.headers.get('Content-Disposition');
    headers.set('Content-Disposition', disposition ?? `attachment; filename="${infoHash}.torrent"`);
    return new Response(upstream.body, { status: 200, headers });
  } catch (error) {
    if (!(error instanceof TrackerApiError)) throw error;
    return new Response(`${error.message}\n`, { status: error.code === 'NOT_FOUND' ? 404 : 502 });
  }
}
