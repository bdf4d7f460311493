import { magnetFromMetainfo, type Metainfo } from '@swarmhub/metainfo';

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "1.50 GiB (1610612736 bytes)": the exact count stays visible for scripts and for checking. */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
  return `${shown} ${UNITS[unit]} (${bytes} bytes)`;
}

function lines(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join('');
}

/** The fields `create` and `info` both print, one "label: value" per line. */
export function summaryRows(m: Metainfo): [string, string][] {
  return [
    ['name', m.name],
    ['total size', formatSize(m.totalLength)],
    ['piece length', formatSize(m.pieceLength)],
    ['pieces', String(m.pieceCount)],
    ['info hash', m.infoHash],
    ['magnet', magnetFromMetainfo(m)],
  ];
}

export function formatSummary(m: Metainfo, extra: [string, string][] = []): string {
  return lines([...summaryRows(m), ...extra]);
}

/** `info`: the summary, the remaining metadata, then one line per file. */
export function formatDetails(m: Metainfo): string {
  const rows: [string, string][] = [['private', m.private ? 'yes' : 'no']];
  if (m.announceList.length === 0) rows.push(['trackers', '(none)']);
  m.announceList.forEach((tier, i) => rows.push([`tracker tier ${i + 1}`, tier.join(' ')]));
  if (m.urlList.length > 0) rows.push(['web seeds', m.urlList.join(' ')]);
  if (m.createdBy !== undefined) rows.push(['created by', m.createdBy]);
  if (m.creationDate !== undefined) rows.push(['created on', m.creationDate.toISOString()]);
  if (m.comment !== undefined) rows.push(['comment', m.comment.replace(/\s+/g, ' ')]);
  // BEP 47 padding files are no files of the user's; their bytes stay in the total size.
  const files = m.files.filter((f) => !f.padding);
  rows.push(['files', String(files.length)]);
  const fileLines = files.map((f) => `  ${f.path.join('/')}  ${formatSize(f.length)}\n`).join('');
  return formatSummary(m, rows) + fileLines;
}
