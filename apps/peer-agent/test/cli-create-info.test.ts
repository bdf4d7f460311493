import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseMagnet, parseMetainfo } from '@swarmhub/metainfo';
import { buildCli, expectOneLineError, fieldsOf, runCli, tempDir } from './cli-run.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  buildCli();
  tmp = tempDir('cli');
  mkdirSync(join(tmp.dir, 'share', 'sub'), { recursive: true });
  writeFileSync(join(tmp.dir, 'share', 'a.bin'), Buffer.alloc(50_000, 1));
  writeFileSync(join(tmp.dir, 'share', 'sub', 'b.bin'), Buffer.alloc(30_000, 2));
  writeFileSync(join(tmp.dir, 'single.bin'), Buffer.alloc(70_000, 3));
});
afterAll(() => tmp?.remove());

describe('peer-agent create', () => {
  test('writes the torrent and prints name, size, piece length, pieces, info hash and magnet', async () => {
    const out = join(tmp.dir, 'share.torrent');
    const r = await runCli([
      'create',
      join(tmp.dir, 'share'),
      '--tracker',
      'http://127.0.0.1:6969/announce',
      '--tracker',
      'udp://127.0.0.1:6969',
      '--out',
      out,
      '--piece-length',
      '16K',
      '--private',
      '--comment',
      'from the test',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = parseMetainfo(readFileSync(out));
    const f = fieldsOf(r.stdout);
    expect(f.get('name')).toBe('share');
    expect(f.get('total size')).toBe('78.13 KiB (80000 bytes)');
    expect(f.get('piece length')).toBe('16 KiB (16384 bytes)');
    expect(f.get('pieces')).toBe('5');
    expect(f.get('info hash')).toBe(m.infoHash);
    expect(f.get('info hash')).toBe(createHash('sha1').update(m.info).digest('hex'));
    expect(parseMagnet(f.get('magnet')!).infoHash).toBe(m.infoHash);
    expect(parseMagnet(f.get('magnet')!).trackers).toEqual([
      'http://127.0.0.1:6969/announce',
      'udp://127.0.0.1:6969',
    ]);
    expect(f.get('torrent file')).toBe(out);
    expect(m.private).toBe(true);
    expect(m.comment).toBe('from the test');
    expect(m.files.map((x) => x.path.join('/'))).toEqual(['share/a.bin', 'share/sub/b.bin']);
  });

  test('defaults the output to ./<name>.torrent and refuses to overwrite without --force', async () => {
    const first = await runCli(
      ['create', join(tmp.dir, 'single.bin'), '--tracker', 'http://127.0.0.1:6969/announce'],
      { cwd: tmp.dir },
    );
    expect(first.code).toBe(0);
    expect(existsSync(join(tmp.dir, 'single.bin.torrent'))).toBe(true);
    expect(fieldsOf(first.stdout).get('piece length')).toBe('16 KiB (16384 bytes)');
    const again = await runCli(
      ['create', join(tmp.dir, 'single.bin'), '-t', 'http://127.0.0.1:6969/announce'],
      { cwd: tmp.dir },
    );
    expect(expectOneLineError(again)).toMatch(
      /single\.bin\.torrent already exists \(use --force to overwrite\)/,
    );
    const forced = await runCli(
      ['create', join(tmp.dir, 'single.bin'), '-t', 'http://127.0.0.1:6969/announce', '--force'],
      { cwd: tmp.dir },
    );
    expect(forced.code).toBe(0);
  });

  test('warns on stderr when the torrent gets no tracker, and still writes it', async () => {
    const out = join(tmp.dir, 'trackerless.torrent');
    const r = await runCli(['create', join(tmp.dir, 'single.bin'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'peer-agent: warning: no --tracker given; the torrent lists no tracker\n',
    );
    expect(parseMetainfo(readFileSync(out)).announceList).toEqual([]);
  });

  test.each<[string, string[], RegExp]>([
    ['a missing path', ['create', '/nonexistent/swarmhub/x'], /no such file or directory/],
    [
      'a bad piece length',
      ['create', 'SINGLE', '--piece-length', '20000', '--out', 'OUT'],
      /piece length 20000 must be a power of two/,
    ],
    [
      'a piece length that is not a number',
      ['create', 'SINGLE', '--piece-length', 'lots'],
      /--piece-length must be a byte count such as 262144, 256K or 1M, got "lots"/,
    ],
    [
      'a bad tracker',
      ['create', 'SINGLE', '--tracker', 'nope', '--out', 'OUT'],
      /tracker "nope" is not a URL/,
    ],
    [
      'a bad publish URL',
      ['create', 'SINGLE', '--publish', 'ftp://x'],
      /--publish must be an http or https URL/,
    ],
  ])('refuses %s with one line on stderr', async (_title, args, message) => {
    const r = await runCli(
      args.map((a) =>
        a === 'SINGLE'
          ? join(tmp.dir, 'single.bin')
          : a === 'OUT'
            ? join(tmp.dir, 'never.torrent')
            : a,
      ),
    );
    expect(expectOneLineError(r)).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(join(tmp.dir, 'never.torrent'))).toBe(false);
  });
});

describe('peer-agent info and magnet', () => {
  const fixture = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'libs',
    'metainfo',
    'test',
    'fixtures',
    'transmission-multi.torrent',
  );

  test('info prints the summary, metadata and file list of a real torrent', async () => {
    const r = await runCli(['info', fixture]);
    expect(r.code).toBe(0);
    const f = fieldsOf(r.stdout);
    expect(f.get('name')).toBe('album');
    expect(f.get('info hash')).toBe('78900286db6aa72d872bcf1b394af17c09006d6b');
    expect(f.get('pieces')).toBe('9');
    expect(f.get('piece length')).toBe('16 KiB (16384 bytes)');
    expect(f.get('total size')).toBe('139.98 KiB (143338 bytes)');
    expect(f.get('private')).toBe('yes');
    expect(f.get('tracker tier 1')).toBe('http://127.0.0.1:6969/announce');
    expect(f.get('comment')).toBe('made by transmission');
    expect(f.get('files')).toBe('4');
    expect(r.stdout).toContain('\n  album/disc1/02.flac  32.55 KiB (33333 bytes)\n');
    expect(r.stdout).toContain('\n  album/disc2/notes.txt  5 bytes\n');
    expect(parseMagnet(f.get('magnet')!).infoHash).toBe('78900286db6aa72d872bcf1b394af17c09006d6b');
  });

  test('info lists the real files of a torrent with BEP 47 padding, and its whole length', async () => {
    const padded = join(fixture, '..', 'libtorrent-hybrid-padded.torrent');
    const r = await runCli(['info', padded]);
    expect(r.code).toBe(0);
    const f = fieldsOf(r.stdout);
    expect(f.get('total size')).toBe('80 KiB (81920 bytes)');
    expect(f.get('files')).toBe('3');
    expect(r.stdout.split('\n').filter((line) => line.startsWith('  '))).toEqual([
      '  padded/a.bin  19.53 KiB (20000 bytes)',
      '  padded/c.txt  5 bytes',
      '  padded/sub/b.bin  16.00 KiB (16385 bytes)',
    ]);
  });

  test('magnet prints only the magnet link', async () => {
    const r = await runCli(['magnet', fixture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'magnet:?xt=urn:btih:78900286db6aa72d872bcf1b394af17c09006d6b&dn=album&xl=143338&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce\n',
    );
  });

  test.each<[string, (dir: string) => string, RegExp]>([
    [
      'a missing file',
      (dir) => join(dir, 'missing.torrent'),
      /cannot read .*missing\.torrent: no such file/,
    ],
    ['a directory', (dir) => dir, /is not a file/],
    [
      'garbage',
      (dir) => (writeFileSync(join(dir, 'garbage.torrent'), 'hello'), join(dir, 'garbage.torrent')),
      /garbage\.torrent is not a valid torrent: torrent file is not valid bencode/,
    ],
    [
      'a torrent with a bad pieces field',
      (dir) => (
        writeFileSync(
          join(dir, 'bad.torrent'),
          'd4:infod6:lengthi5e4:name1:x12:piece lengthi16384e6:pieces3:abcee',
        ),
        join(dir, 'bad.torrent')
      ),
      /bad\.torrent is not a valid torrent: info\.pieces length 3 is not a multiple of 20/,
    ],
  ])('info and magnet refuse %s with one line on stderr', async (_title, make, message) => {
    const file = make(tmp.dir);
    for (const command of ['info', 'magnet']) {
      const r = await runCli([command, file]);
      expect(expectOneLineError(r)).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});

describe('peer-agent help', () => {
  // main.ts loads only the module of the command being run: help must still see every command.
  test('lists every command, and each command has its own help', async () => {
    const all = await runCli(['--help']);
    expect(all.code).toBe(0);
    const commands = [
      'create',
      'info',
      'magnet',
      'publish',
      'download',
      'seed',
      'serve',
      'add',
      'list',
      'status',
      'pause',
      'resume',
      'remove',
      'limits',
    ];
    for (const name of commands) expect(all.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    for (const name of commands) {
      const one = await runCli([name, '--help']);
      expect(one.code, name).toBe(0);
      expect(one.stdout).toMatch(new RegExp(`^Usage: peer-agent ${name} `, 'm'));
    }
  });

  test('an unknown command is refused with the list of commands', async () => {
    const r = await runCli(['donwload', 'x.torrent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'donwload'/);
    expect(r.stderr).toMatch(/download/);
  });
});
