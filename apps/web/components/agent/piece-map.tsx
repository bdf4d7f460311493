import { decodeBase64, pieceCells } from '../../lib/bitfield';

const MAX_CELLS = 512;
const COLUMNS = 32;
const CELL = 12;

export function PieceMap({
  bitfield,
  pieceCount,
  piecesDone,
}: {
  bitfield: string;
  pieceCount: number;
  piecesDone: number;
}) {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(bitfield);
  } catch {
    return <p className="muted">The agent sent a piece map this page cannot read.</p>;
  }
  const cells = pieceCells(bytes, pieceCount, MAX_CELLS);
  if (cells.length === 0)
    return <p className="muted">No pieces known yet (the metadata is still being fetched).</p>;
  const columns = Math.min(COLUMNS, cells.length);
  const rows = Math.ceil(cells.length / columns);
  const grouped = pieceCount > cells.length;
  return (
    <figure className="piece-map">
      <svg
        viewBox={`0 0 ${columns * CELL} ${rows * CELL}`}
        role="img"
        aria-label={`${piecesDone} of ${pieceCount} pieces done`}
        preserveAspectRatio="xMinYMin meet"
      >
        {cells.map((fraction, index) => (
          <rect
            key={index}
            x={(index % columns) * CELL + 1}
            y={Math.floor(index / columns) * CELL + 1}
            width={CELL - 2}
            height={CELL - 2}
            className={
              fraction >= 1 ? 'piece-done' : fraction > 0 ? 'piece-partial' : 'piece-missing'
            }
          />
        ))}
      </svg>
      <figcaption>
        {piecesDone} of {pieceCount} pieces done.{' '}
        <span className="legend">
          <span className="swatch piece-done" aria-hidden="true" /> done{' '}
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
