import bencodePackage from 'bencode';
import { describe, expect, test } from 'vitest';
import { thrownBy } from '../../../test-support/errors.js';
import { seededRandom } from '../../../test-support/random.js';
import { BencodeError, decode, decodeTorrentFile, encode, type BValue } from '../src/index.js';

const b = (s: string) => Buffer.from(s, 'latin1');

const errorOf = (fn: () => unknown) => thrownBy(BencodeError, fn);

describe('decode: byte vectors', () => {
  test.each([
    ['i0e', 0],
    ['i42e', 42],
    ['i-42e', -42],
    ['i9007199254740991e', Number.MAX_SAFE_INTEGER],
    ['i-9007199254740991e', Number.MIN_SAFE_INTEGER],
  ])('integer %s', (input, expected) => {
    expect(decode(b(input))).toBe(expected);
  });

  test('integers beyond 2^53 decode as bigint, within int64', () => {
    expect(decode(b('i9007199254740992e'))).toBe(9007199254740992n);
    expect(decode(b('i9223372036854775807e'))).toBe(9223372036854775807n);
    expect(decode(b('i-9223372036854775808e'))).toBe(-9223372036854775808n);
    expect(errorOf(() => decode(b('i9223372036854775808e'))).code).toBe('BAD_INTEGER');
  });

  test.each(['i-0e', 'i03e', 'i-03e', 'ie', 'i-e', 'i+1e', 'i1.5e', 'i 1e', 'i1 e', 'i00e'])(
    'rejects integer %s',
    (input) => {
      const err = errorOf(() => decode(b(input)));
      expect(err.code).toBe('BAD_INTEGER');
      expect(err.message).toMatch(/at byte \d+$/);
    },
  );

  test('strings decode as Buffers holding the exact bytes', () => {
    const v = decode(b('4:\x00\xff\x80a'));
    expect(Buffer.isBuffer(v)).toBe(true);
    expect([...(v as Buffer)]).toEqual([0, 255, 128, 97]);
    expect((decode(b('0:')) as Buffer).length).toBe(0);
  });

  test.each(['03:abc', '-1:a', '1a:a', ':a'])('rejects string %s', (input) => {
    expect(['BAD_STRING', 'UNEXPECTED_BYTE']).toContain(errorOf(() => decode(b(input))).code);
  });

  test('lists and dictionaries', () => {
    expect(decode(b('le'))).toEqual([]);
    expect(decode(b('de'))).toEqual({});
    expect(decode(b('li1e3:abcli2eee'))).toEqual([1, b('abc'), [2]]);
    expect(decode(b('d1:ai1e1:bl1:xee'))).toEqual({ a: 1, b: [b('x')] });
  });

  test('binary dictionary keys decode as latin1 strings and round-trip', () => {
    const hash = Buffer.from('c12fe1c06bba254a9dc9f519b335aa7c1367a88a', 'hex');
    const input = Buffer.concat([b('d5:filesd20:'), hash, b('d8:completei3eeee')]);
    const v = decode(input) as { files: Record<string, BValue> };
    expect(Object.keys(v.files)).toEqual([hash.toString('latin1')]);
    expect(encode(v).equals(input)).toBe(true);
  });

  test('__proto__ keys become plain own properties, never the prototype', () => {
    const v = decode(b('d9:__proto__d5:admini1eee')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect((v as { admin?: unknown }).admin).toBeUndefined();
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  test.each([
    ['', 'EMPTY'],
    ['i1ei2e', 'TRAILING_DATA'],
    ['x', 'UNEXPECTED_BYTE'],
    ['lxe', 'UNEXPECTED_BYTE'],
    ['di1ei2ee', 'BAD_KEY'],
    ['d1:a', 'TRUNCATED'],
    ['5:abc', 'TRUNCATED'],
    ['d1:ai1e1:ai2ee', 'DUPLICATE_KEY'],
    ['d1:bi1e1:ai2e1:bi3ee', 'DUPLICATE_KEY'],
  ])('rejects %j with %s', (input, code) => {
    expect(errorOf(() => decode(b(input))).code).toBe(code);
  });

  test('strict mode requires keys in byte order; lax mode accepts any order', () => {
    expect(decode(b('d1:bi1e1:ai2ee'))).toEqual({ a: 2, b: 1 });
    const err = errorOf(() => decode(b('d1:bi1e1:ai2ee'), { strict: true }));
    expect(err.code).toBe('UNSORTED_KEYS');
    expect(err.message).toContain('"a"');
    // Byte order, not code-point-of-UTF-8 order: 0x7a < 0xc3.
    expect(decode(b('d1:zi1e2:\xc3\xa9i2ee'), { strict: true })).toBeTruthy();
    expect(errorOf(() => decode(b('d2:\xc3\xa9i2e1:zi1ee'), { strict: true })).code).toBe(
      'UNSORTED_KEYS',
    );
    // A key that is a prefix of the next sorts first.
    expect(decode(b('d1:ai1e2:aai2ee'), { strict: true })).toEqual({ a: 1, aa: 2 });
  });

  test('accepts a Uint8Array that is a view into a larger buffer', () => {
    const backing = b('xxi7exx');
    expect(decode(new Uint8Array(backing.buffer, backing.byteOffset + 2, 3))).toBe(7);
  });
});

describe('decode: limits', () => {
  test('nesting is limited to 100 levels by default, without stack overflow on hostile depth', () => {
    const ok = 'l'.repeat(100) + 'e'.repeat(100);
    expect(() => decode(b(ok))).not.toThrow();
    expect(errorOf(() => decode(b('l'.repeat(101) + 'e'.repeat(101)))).code).toBe('TOO_DEEP');
    expect(errorOf(() => decode(b('d1:a'.repeat(101) + 'le' + 'e'.repeat(101)))).code).toBe(
      'TOO_DEEP',
    );
    expect(errorOf(() => decode(b('l'.repeat(1_000_000)))).code).toBe('TOO_DEEP');
    expect(errorOf(() => decode(b('lll1:aeee'), { maxDepth: 2 })).code).toBe('TOO_DEEP');
  });

  test('maxSize refuses the whole input before parsing', () => {
    const err = errorOf(() => decode(b('4:abcd'), { maxSize: 5 }));
    expect(err.code).toBe('TOO_LARGE');
    expect(decode(b('4:abcd'), { maxSize: 6 })).toEqual(b('abcd'));
  });

  test('maxStringLength refuses long strings, including claims longer than the input', () => {
    expect(errorOf(() => decode(b('5:abcde'), { maxStringLength: 4 })).code).toBe(
      'STRING_TOO_LONG',
    );
    expect(errorOf(() => decode(b('99999999999:a'), { maxStringLength: 1000 })).code).toBe(
      'STRING_TOO_LONG',
    );
    expect(errorOf(() => decode(b('99999999999:a'))).code).toBe('STRING_TOO_LONG');
    expect(errorOf(() => decode(b('9999999999999999999:a'))).code).toBe('BAD_STRING');
  });
});

describe('decode: truncation and corruption', () => {
  const sample = encode({
    announce: 'http://127.0.0.1:6969/announce',
    'creation date': 1700000000,
    info: { length: 123456, name: 'file.bin', 'piece length': 16384, pieces: Buffer.alloc(160, 7) },
    list: [[], {}, -5, 0, Buffer.from([0, 1, 2])],
  });

  test('every proper prefix of a valid encoding is refused as truncated', () => {
    for (let i = 1; i < sample.length; i++) {
      const err = errorOf(() => decode(sample.subarray(0, i)));
      expect(err.code, `prefix of ${i} bytes`).toBe('TRUNCATED');
    }
    expect(() => decode(sample)).not.toThrow();
  });

  test('mutated inputs either decode or throw a BencodeError, never anything else', () => {
    const random = seededRandom(1);
    for (let round = 0; round < 5000; round++) {
      const input = Buffer.from(sample);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        const i = Math.floor(random() * input.length);
        input[i] = Math.floor(random() * 256);
      }
      try {
        decode(input, { strict: round % 2 === 0 });
      } catch (err) {
        if (!(err instanceof BencodeError)) throw err;
      }
    }
  });
});

describe('decodeTorrentFile', () => {
  test('records the exact byte span of the top-level info value', () => {
    const info = b('d4:name1:x12:piece lengthi16384ee');
    const file = Buffer.concat([b('d8:announce3:url4:info'), info, b('e')]);
    const { value, infoSpan } = decodeTorrentFile(file);
    expect(infoSpan).toBeDefined();
    expect(file.subarray(infoSpan!.start, infoSpan!.end).equals(info)).toBe(true);
    expect(Object.keys(value)).toEqual(['announce', 'info']);
  });

  test('the span is the raw bytes even when re-encoding would differ (lax mode)', () => {
    const info = b('d12:piece lengthi16384e4:name1:xe'); // unsorted: a re-encoding would reorder it
    const file = Buffer.concat([b('d4:info'), info, b('e')]);
    const { value, infoSpan } = decodeTorrentFile(file);
    expect(file.subarray(infoSpan!.start, infoSpan!.end).equals(info)).toBe(true);
    expect(encode(value.info!).equals(info)).toBe(false);
  });

  test('only the top-level info counts; nested info keys are ignored', () => {
    const { infoSpan } = decodeTorrentFile(b('d1:ad4:infoi1eee'));
    expect(infoSpan).toBeUndefined();
  });

  test('the top level must be a dictionary', () => {
    expect(errorOf(() => decodeTorrentFile(b('li1ee'))).code).toBe('NOT_A_DICTIONARY');
    expect(errorOf(() => decodeTorrentFile(b(''))).code).toBe('EMPTY');
  });
});

describe('encode', () => {
  test('byte vectors', () => {
    expect(encode(0).toString()).toBe('i0e');
    expect(encode(-7).toString()).toBe('i-7e');
    expect(encode(2n ** 60n).toString()).toBe('i1152921504606846976e');
    expect(encode(true).toString()).toBe('i1e');
    expect(encode('héllo').equals(Buffer.from('6:héllo', 'utf8'))).toBe(true);
    expect(encode(Buffer.from([0, 255])).equals(b('2:\x00\xff'))).toBe(true);
    expect(encode(new Uint8Array([1, 2, 3])).equals(b('3:\x01\x02\x03'))).toBe(true);
    expect(encode([1, [], {}]).toString()).toBe('li1eledee');
    expect(encode({ b: 1, a: 2, skipped: undefined } as never).toString()).toBe('d1:ai2e1:bi1ee');
  });

  test('keys are sorted by their bytes and written as latin1', () => {
    const out = encode({ '\xff': 1, z: 2, 'a\x00': 3, a: 4 });
    expect(out.equals(b('d1:ai4e2:a\x00i3e1:zi2e1:\xffi1ee'))).toBe(true);
    expect(decode(out, { strict: true })).toEqual({ '\xff': 1, z: 2, 'a\x00': 3, a: 4 });
  });

  test.each([
    [1.5, 'NOT_AN_INTEGER'],
    [Number.NaN, 'NOT_AN_INTEGER'],
    [2 ** 60, 'NOT_AN_INTEGER'],
    [null, 'BAD_VALUE'],
    [[undefined], 'BAD_VALUE'],
    [{ 'é€': 1 }, 'BAD_KEY'],
    [new Map([['a', 1]]), 'BAD_VALUE'],
    [new Date(0), 'BAD_VALUE'],
    [Symbol('s'), 'BAD_VALUE'],
  ])('refuses %j', (value, code) => {
    expect(errorOf(() => encode(value as never)).code).toBe(code);
  });

  test('refuses cycles with a typed error instead of overflowing the stack', () => {
    const cyclic: BValue[] = [];
    cyclic.push(cyclic);
    expect(errorOf(() => encode(cyclic)).code).toBe('TOO_DEEP');
  });
});

describe('agrees with the bencode npm package where that package is correct', () => {
  function randomValue(random: () => number, depth: number): BValue {
    const kind = Math.floor(random() * (depth > 3 ? 2 : 4));
    if (kind === 0) return Math.floor((random() - 0.5) * 2 ** 40);
    if (kind === 1)
      return Buffer.from(
        Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * 256)),
      );
    if (kind === 2)
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    const dict: Record<string, BValue> = {};
    for (let i = Math.floor(random() * 4); i > 0; i--)
      dict[`k${Math.floor(random() * 50)}`] = randomValue(random, depth + 1);
    return dict;
  }

  test('random values with ASCII keys encode to identical bytes and decode back', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 500; i++) {
      const value = randomValue(random, 0);
      const ours = encode(value);
      const theirs = Buffer.from(bencodePackage.encode(value));
      expect(ours.equals(theirs)).toBe(true);
      expect(decode(ours, { strict: true })).toEqual(value);
    }
  });
});

describe('why decoding and encoding are not delegated to the bencode npm package', () => {
  // If one of these starts failing, the package has changed and delegating may be worth revisiting.
  const theirs = (s: string) => bencodePackage.decode(b(s)) as unknown;

  test('it turns binary keys into hex, accepts -0 and leading zeros, loses precision and truncation', () => {
    expect(Object.keys(theirs('d2:\xff\xfei1ee') as object)).toEqual(['fffe']);
    expect(theirs('i-0e')).toBe(-0);
    expect(theirs('i03e')).toBe(3);
    expect(theirs('i9007199254740993e')).toBe(9007199254740992);
    expect(Buffer.from(theirs('4:ab') as Uint8Array).toString()).toBe('ab');
  });

  test('it writes latin1 keys as UTF-8 and drops bigints, producing invalid output', () => {
    expect(Buffer.from(bencodePackage.encode({ '\xff': 1 })).equals(b('d2:\xc3\xbfi1ee'))).toBe(
      true,
    );
    expect(Buffer.from(bencodePackage.encode({ a: 1n })).toString()).toBe('d1:ae');
    expect(encode({ '\xff': 1 }).equals(b('d1:\xffi1ee'))).toBe(true);
    expect(encode({ a: 1n }).toString()).toBe('d1:ai1ee');
  });
});
