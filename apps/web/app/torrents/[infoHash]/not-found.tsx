import Link from 'next/link';

export default function TorrentNotFound() {
  return (
    <div className="empty-state" role="status">
      <h1>Torrent not found</h1>
      <p>
        The catalog has no torrent with this info hash. It may have been removed.{' '}
        <Link href="/">Back to the catalog</Link>.
      </p>
    </div>
  );
}
