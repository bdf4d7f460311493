export function TrackerUnavailable({ message }: { message: string }) {
  return (
    <div role="alert" className="notice notice-error">
      <h2>The catalog is not available right now</h2>
      <p>{message}</p>
      <p>
        The web server reads the catalog from the tracker API. Start it with{' '}
        <code>npm run start:tracker</code>, or point <code>TRACKER_API_URL</code> at it, then reload
        this page.
      </p>
    </div>
  );
}
