/**
 * A request a tracker client got wrong. It is answered with HTTP 200 and a bencoded
 * `failure reason`, because that is the only error form BitTorrent clients show to users.
 */
export class TrackerFailure extends Error {
  readonly code = 'TRACKER_FAILURE';
}
