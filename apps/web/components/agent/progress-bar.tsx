import { formatPercent } from '../../lib/format';

export function ProgressBar({
  fraction,
  label,
  state,
}: {
  fraction: number;
  label: string;
  state: string;
}) {
  const text = formatPercent(fraction);
  const value = Number.parseFloat(text);
  return (
    <div
      className={`progress progress-${state}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={text}
    >
      <div className="progress-fill" style={{ width: `${value}%` }} />
      <span className="progress-text">{text}</span>
    </div>
  );
}
