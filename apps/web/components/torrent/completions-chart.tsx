import type { CompletionSeries } from '@swarmhub/api-types';

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 28, left: 36 };

function label(iso: string, bucket: 'hour' | 'day'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
  return bucket === 'hour' ? `${date} ${String(d.getUTCHours()).padStart(2, '0')}:00` : date;
}

// A bar per time bucket, drawn as inline SVG on the server: no chart library, no JavaScript.
export function CompletionsChart({ series }: { series: CompletionSeries | null }) {
  if (!series) return <p className="muted">The tracker did not answer with completion history.</p>;
  const points = [...series.points]
    .filter((p) => Number.isFinite(p.count))
    .sort((a, b) => a.at.localeCompare(b.at));
  const total = points.reduce((sum, p) => sum + p.count, 0);
  if (points.length === 0 || total === 0)
    return <p className="muted">No one has completed this torrent yet.</p>;

  const max = Math.max(...points.map((p) => p.count));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / points.length;
  const barWidth = Math.max(2, Math.min(40, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const unit = series.bucket === 'hour' ? 'hour' : 'day';
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="completions-chart-title">
        <title id="completions-chart-title">{`${total} completions, per ${unit}, peak ${max} in one ${unit}`}</title>
        <line
          x1={PAD.left}
          y1={PAD.top + plotHeight}
          x2={WIDTH - PAD.right}
          y2={PAD.top + plotHeight}
          className="axis"
        />
        <text x={PAD.left - 6} y={PAD.top + 4} className="axis-label" textAnchor="end">
          {max}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotHeight} className="axis-label" textAnchor="end">
          0
        </text>
        {points.map((point, index) => {
          const height = (point.count / max) * plotHeight;
          const x = PAD.left + index * slot + (slot - barWidth) / 2;
          return (
            <g key={point.at}>
              <rect
                x={x}
                y={PAD.top + plotHeight - height}
                width={barWidth}
                height={height}
                className="bar"
              >
                <title>{`${label(point.at, series.bucket)}: ${point.count}`}</title>
              </rect>
              {index % labelEvery === 0 ? (
                <text
                  x={x + barWidth / 2}
                  y={HEIGHT - 8}
                  className="axis-label"
                  textAnchor="middle"
                >
                  {label(point.at, series.bucket)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {total} completion{total === 1 ? '' : 's'} in all, counted per {unit} (UTC).
      </figcaption>
    </figure>
  );
}
