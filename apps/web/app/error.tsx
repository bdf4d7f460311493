'use client';

// Error boundaries must be client components. Known failures (tracker down, torrent missing) are
// handled by the pages themselves; this catches what nobody foresaw.
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest =
    error && typeof error === 'object' && 'digest' in error ? String(error.digest) : null;
  return (
    <div role="alert" className="notice notice-error">
      <h1>Something went wrong</h1>
      <p>
        This page could not be shown. Trying again often helps; if it does not, the server log has
        the details{digest ? ` (reference ${digest})` : ''}.
      </p>
      <button type="button" className="button" onClick={() => retry()}>
        Try again
      </button>
    </div>
  );
}
