import { cellState, decodeBase64, pieceCells, pieceCounts } from '../../lib/bitfield';

const MAX_CELLS = 512;
const COLUMNS = 32;
const CELL = 12;

export function PieceMap({
  bitfield,
  inProgress,
  pieceCount,
}: {
  /** base64 bitfield of the pieces done */
  bitfield: string;
  /** base64 bitfield of the pieces being downloaded */
  inProgress: string;
  pieceCount: number;
}) {
  let done: Uint8Array;
  let active: Uint8Array;
  try {
    done = decodeBase64(bitfield);
    active = decodeBase64(inProgress);
  } catch {
    return <p className="muted">The agent sent a piece map this page cannot read.</p>;
  }
  const cells = pieceCells(done, active, pieceCount, MAX_CELLS);
  if (cells.length === 0)
    return <p className="muted">No pieces known yet (the metadata is still being fetched).</p>;
  const counts = pieceCounts(done, active, pieceCount);
  const summary = `${counts.done} done, ${counts.inProgress} in progress, ${counts.missing} missing (of ${pieceCount} pieces)`;
  const columns = Math.min(COLUMNS, cells.length);
  const rows = Math.ceil(cells.length / columns);
  const grouped = pieceCount > cells.length;
  return (
    <figure className="piece-map">
      <svg
        viewBox={`0 0 ${columns * CELL} ${rows * CELL}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="xMinYMin meet"
      >
        {cells.map((cell, index) => (
          <rect
            key={index}
            x={(index % columns) * CELL + 1}
            y={Math.floor(index / columns) * CELL + 1}
            width={CELL - 2}
            height={CELL - 2}
            className={`piece-${cellState(cell)}`}
          />
        ))}
      </svg>
      <figcaption>
        {summary}.{' '}
        <span className="legend">
          <span className="swatch piece-done" aria-hidden="true" /> done{' '}
          <span className="swatch piece-in-progress" aria-hidden="true" /> in progress{' '}
          {grouped ? (
            <>
              <span className="swatch piece-partial" aria-hidden="true" /> partly done (each square
              is {Math.ceil(pieceCount / cells.length)} pieces){' '}
            </>
          ) : null}
          <span className="swatch piece-missing" aria-hidden="true" /> missing
        </span>
      </figcaption>
    </figure>
  );
}
