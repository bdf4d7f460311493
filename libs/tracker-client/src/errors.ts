export type TrackerErrorCode =
  | 'FAILURE' // the tracker answered with a `failure reason`
  | 'HTTP_STATUS' // a non-2xx answer without a failure reason
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NETWORK' // connection refused, reset, DNS, ...
  | 'BAD_RESPONSE' // not bencode, or not the shape BEP 3 describes
  | 'TOO_LARGE' // the answer exceeded the size limit
  | 'BAD_URL'
  | 'UNSUPPORTED_PROTOCOL' // a tracker URL scheme this client does not speak
  | 'SCRAPE_UNSUPPORTED'; // the announce URL has no scrape counterpart (BEP 48)

export class TrackerError extends Error {
  override readonly name = 'TrackerError';
  constructor(
    readonly code: TrackerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
