/**
 * Names the client behind a peer id (BEP 20): Azureus style `-XXvvvv-`, Shadow style `Xvvvvv---`,
 * Mainline style `M4-3-6--` and aria2's `A2-1-36-0-`. Used for display only, never for trust.
 */
export function clientFromPeerId(peerId: Buffer): string {
  const head = peerId.subarray(0, 20).toString('latin1');

  const aria2 = /^A2-(\d+)-(\d+)-(\d+)-/.exec(head);
  if (aria2) return `aria2 ${Number(aria2[1])}.${Number(aria2[2])}.${Number(aria2[3])}`;

  if (/^-[A-Za-z0-9~]{2}[0-9A-Za-z]{4}-/.test(head)) {
    const code = head.slice(1, 3);
    const version = head.slice(3, 7);
    const name = AZUREUS_CLIENTS[code];
    if (!name) return `Unknown ${code} ${formatDotted(version)}`;
    const format = VERSION_FORMATS[code] ?? formatDotted;
    return `${name} ${format(version)}`.trimEnd();
  }

  const mainline = /^M(\d{1,2})-(\d{1,2})-(\d{1,2})-/.exec(head);
  if (mainline)
    return `BitTorrent ${Number(mainline[1])}.${Number(mainline[2])}.${Number(mainline[3])}`;

  const shadow = /^([AOQRSTU])([0-9A-Za-z.]{1,5})-*$/.exec(head.slice(0, 6));
  if (shadow && head.slice(6, 9) === '---') {
    const version = [...shadow[2]].map(shadowDigit).join('.');
    return `${SHADOW_CLIENTS[shadow[1]]} ${version}`;
  }

  const printable = /^[\x20-\x7e]{1,8}/.exec(head)?.[0];
  return printable ? `Unknown (${printable})` : 'Unknown';
}

/** BEP 20's Azureus-style client codes (the widely seen subset) plus our own SH. */
const AZUREUS_CLIENTS: Record<string, string> = {
  '7T': 'aTorrent',
  AG: 'Ares',
  'A~': 'Ares',
  AR: 'Arctic',
  AX: 'BitPump',
  AZ: 'Vuze',
  BB: 'BitBuddy',
  BC: 'BitComet',
  BF: 'Bitflu',
  BG: 'BTG',
  BI: 'BiglyBT',
  BN: 'Baidu Netdisk',
  BR: 'BitRocket',
  BS: 'BTSlave',
  BT: 'BitTorrent',
  BW: 'BitWombat',
  CD: 'Enhanced CTorrent',
  CT: 'CTorrent',
  DE: 'Deluge',
  EB: 'EBit',
  ES: 'electric sheep',
  FD: 'Free Download Manager',
  FG: 'FlashGet',
  FT: 'FoxTorrent',
  FX: 'Freebox BitTorrent',
  GS: 'GSTorrent',
  HL: 'Halite',
  HN: 'Hydranode',
  KG: 'KGet',
  KT: 'KTorrent',
  LC: 'LeechCraft',
  LH: 'LH-ABC',
  LP: 'Lphant',
  LT: 'libtorrent',
  lt: 'libTorrent (rTorrent)',
  LW: 'LimeWire',
  MO: 'MonoTorrent',
  MP: 'MooPolice',
  MR: 'Miro',
  NX: 'Net Transport',
  OS: 'OneSwarm',
  PB: 'Protocol::BitTorrent',
  PD: 'Pando',
  PI: 'PicoTorrent',
  qB: 'qBittorrent',
  QD: 'QQDownload',
  QT: 'Qt 4 Torrent example',
  RT: 'Retriever',
  SB: 'Swiftbit',
  SD: 'Thunder',
  SH: 'Swarmhub',
  SM: 'SoMud',
  SP: 'BitSpirit',
  ST: 'SymTorrent',
  st: 'sharktorrent',
  SZ: 'Shareaza',
  'S~': 'Shareaza',
  TB: 'Torch',
  TL: 'Tribler',
  TN: 'TorrentDotNET',
  TR: 'Transmission',
  TS: 'Torrentstorm',
  TT: 'TuoTu',
  UL: 'uLeecher!',
  UM: 'µTorrent for Mac',
  UT: 'µTorrent',
  UW: 'µTorrent Web',
  VG: 'Vagaa',
  WD: 'WebTorrent Desktop',
  WT: 'BitLet',
  WW: 'WebTorrent',
  WY: 'FireTorrent',
  XF: 'Xfplay',
  XL: 'Xunlei',
  XT: 'XanTorrent',
  XX: 'Xtorrent',
  ZT: 'ZipTorrent',
};

const SHADOW_CLIENTS: Record<string, string> = {
  A: 'ABC',
  O: 'Osprey Permaseed',
  Q: 'BTQueue',
  R: 'Tribler',
  S: 'Shadow',
  T: 'BitTornado',
  U: 'UPnP NAT Bit Torrent',
};

/** Clients whose four version characters do not mean major.minor.patch.build. */
const VERSION_FORMATS: Record<string, (version: string) => string> = {
  TR: transmissionVersion,
  // WebTorrent writes two two-digit numbers: major and minor.
  WW: (v) => `${Number(v.slice(0, 2))}.${Number(v.slice(2, 4))}`,
  WD: (v) => `${Number(v.slice(0, 2))}.${Number(v.slice(2, 4))}`,
  // rTorrent's libTorrent writes each number as one hex digit: -lt0D60- is 0.13.6.
  lt: (v) => dotted([...v.slice(0, 3)].map((c) => parseInt(c, 16))),
  // BitComet: -BC0150- is 1.50.
  BC: (v) => `${Number(v.slice(0, 2))}.${v.slice(2, 4)}`,
  // µTorrent's fourth character is a build type (B beta, W web...), not a number.
  UT: (v) => dotted([...v.slice(0, 3)].map(azureusDigit)),
  UM: (v) => dotted([...v.slice(0, 3)].map(azureusDigit)),
  UW: (v) => dotted([...v.slice(0, 3)].map(azureusDigit)),
};

/** Follows libtransmission's own decoding of its peer ids across its three eras. */
function transmissionVersion(v: string): string {
  if (v.startsWith('000')) return `0.${v[3]}`;
  if (v.startsWith('00')) return `0.${v.slice(2, 4)}`;
  if (v[0] <= '3') {
    const dev = v[3] === 'Z' || v[3] === 'X' ? '+' : '';
    return `${Number(v[0])}.${v.slice(1, 3)}${dev}`;
  }
  const build = v[3] === 'Z' || v[3] === 'z' ? ' dev' : v[3] === 'B' || v[3] === 'b' ? ' beta' : '';
  return `${azureusDigit(v[0])}.${azureusDigit(v[1])}.${azureusDigit(v[2])}${build}`;
}

/** major.minor.patch, with a fourth number only when it is a non-zero digit. */
function formatDotted(version: string): string {
  const numbers = [...version.slice(0, 3)].map(azureusDigit);
  if (/[1-9]/.test(version[3])) numbers.push(Number(version[3]));
  return dotted(numbers);
}

function dotted(numbers: number[]): string {
  return numbers.map((n) => (Number.isNaN(n) ? '?' : String(n))).join('.');
}

/** Azureus-style version characters: 0-9, then A-Z for 10-35 (libtorrent's -LT20A0- is 2.0.10). */
function azureusDigit(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 61;
  return NaN;
}

/** Shadow-style version characters: 0-9, A-Z, a-z, '.', '-' for 0..63. */
function shadowDigit(c: string): number {
  if (c === '.') return 62;
  return azureusDigit(c);
}
