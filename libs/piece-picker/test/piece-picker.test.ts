import { Bitfield } from '@swarmhub/wire';
import { describe, expect, it } from 'vitest';
import { PiecePicker, type BlockRequest } from '../src/index.js';
import { seededRandom } from '../../../test-support/random.js';

const KiB16 = 16384;

function bits(pattern: string): Bitfield {
  const bitfield = new Bitfield(pattern.length);
  [...pattern].forEach((c, i) => bitfield.set(i, c === '1'));
  return bitfield;
}

function pieces(blocks: BlockRequest[]): number[] {
  return [...new Set(blocks.map((b) => b.index))];
}

describe('PiecePicker: choosing pieces', () => {
  it('picks the rarest piece first', () => {
    const picker = PiecePicker.fromStrings('2223133', '', {
      randomFirstPieces: 0,
      random: seededRandom(1),
    });
    const blocks = picker.pickBlocks('a', 'all', 4);
    expect(pieces(blocks)).toEqual([4]);
    expect(blocks.map((b) => b.begin)).toEqual([0, KiB16, 2 * KiB16, 3 * KiB16]);
    picker.checkInvariants();
  });

  it('picks the rarest piece among those the peer has', () => {
    const picker = PiecePicker.fromStrings('2223133', '', {
      randomFirstPieces: 0,
      random: seededRandom(2),
    });
    expect(pieces(picker.pickBlocks('a', bits('1001011'), 4))).toEqual([0]);
    expect(pieces(picker.pickBlocks('b', bits('0100100'), 8))).toEqual([4, 1]);
    picker.checkInvariants();
  });

  it('skips pieces we have', () => {
    const picker = PiecePicker.fromStrings('1123333', '1100000', { randomFirstPieces: 0 });
    expect(pieces(picker.pickBlocks('a', 'all', 4))).toEqual([2]);
  });

  it('spreads ties at random (seeded), not by index', () => {
    const chosen = new Map<number, number>();
    for (let seed = 0; seed < 400; seed++) {
      const picker = PiecePicker.fromStrings('3222222223', '', {
        randomFirstPieces: 0,
        random: seededRandom(seed),
      });
      const [first] = pieces(picker.pickBlocks('a', 'all', 1));
      chosen.set(first, (chosen.get(first) ?? 0) + 1);
    }
    expect(chosen.has(0)).toBe(false);
    expect(chosen.has(9)).toBe(false);
    // 8 tied pieces, 50 expected each: every one is chosen, none dominates.
    for (let index = 1; index <= 8; index++) {
      expect(chosen.get(index) ?? 0).toBeGreaterThan(20);
      expect(chosen.get(index) ?? 0).toBeLessThan(90);
    }
  });

  it('spreads ties among many peers sharing one picker', () => {
    const picker = PiecePicker.fromStrings('1'.repeat(64), '', {
      randomFirstPieces: 0,
      random: seededRandom(7),
    });
    const firstPieces: number[] = [];
    for (let peer = 0; peer < 16; peer++)
      firstPieces.push(...pieces(picker.pickBlocks(`p${peer}`, 'all', 4)));
    const sorted = [...firstPieces].sort((a, b) => a - b);
    expect(new Set(firstPieces).size).toBe(16);
    expect(sorted).not.toEqual(Array.from({ length: 16 }, (_, i) => i));
    picker.checkInvariants();
  });

  it('takes the first few pieces at random, then rarest first', () => {
    const firsts = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      const picker = PiecePicker.fromStrings('1999999999', '', {
        randomFirstPieces: 4,
        random: seededRandom(seed),
      });
      firsts.add(pieces(picker.pickBlocks('a', 'all', 4))[0]);
    }
    expect(firsts.size).toBeGreaterThan(3);

    const picker = PiecePicker.fromStrings('9999999991', '1111000000', {
      randomFirstPieces: 4,
      random: seededRandom(3),
    });
    expect(pieces(picker.pickBlocks('a', 'all', 4))).toEqual([9]);
  });

  it('finishes an open piece before opening another', () => {
    const picker = PiecePicker.fromStrings('1122', '', {
      randomFirstPieces: 0,
      random: seededRandom(4),
    });
    const a = picker.pickBlocks('a', 'all', 2);
    const b = picker.pickBlocks('b', 'all', 3);
    const target = a[0].index;
    expect(b.slice(0, 2).map((x) => [x.index, x.begin])).toEqual([
      [target, 2 * KiB16],
      [target, 3 * KiB16],
    ]);
    expect(b[2].index).not.toBe(target);
    picker.checkInvariants();
  });

  it('treats pieces in skip as pieces the peer lacks (it refused them), in endgame too', () => {
    const picker = PiecePicker.fromStrings('1112', '', { randomFirstPieces: 0 });
    // Piece 0 is the rarest, but the peer turned it away: the next rarest are taken instead.
    const first = picker.pickBlocks('a', 'all', 12, { skip: new Set([0]) });
    expect(pieces(first).sort()).toEqual([1, 2, 3]);
    // Another peer finishes the rest of the requests; in endgame 'a' is not given piece 0's blocks.
    expect(pieces(picker.pickBlocks('b', 'all', 4))).toEqual([0]);
    expect(picker.inEndgame()).toBe(true);
    expect(picker.pickBlocks('a', 'all', 4, { skip: new Set([0]) })).toEqual([]);
    expect(pieces(picker.pickBlocks('a', 'all', 4))).toEqual([0]);
    picker.checkInvariants();
  });

  it('honours onlyPieces (allowed fast while choked)', () => {
    const picker = PiecePicker.fromStrings('1111', '', { randomFirstPieces: 0 });
    const blocks = picker.pickBlocks('a', bits('1011'), 10, { onlyPieces: [1, 2, 99] });
    expect(pieces(blocks)).toEqual([2]);
    expect(blocks).toHaveLength(4);
    picker.checkInvariants();
  });
});

describe('PiecePicker: blocks', () => {
  it('cuts pieces into 16 KiB blocks, the last block of the last piece shorter', () => {
    const picker = new PiecePicker({
      pieceCount: 3,
      pieceLength: 40000,
      totalLength: 100000,
      randomFirstPieces: 0,
    });
    const blocks = picker.pickBlocks('a', 'all', 100);
    const byPiece = (index: number) =>
      blocks.filter((b) => b.index === index).map((b) => [b.begin, b.length]);
    expect(byPiece(0)).toEqual([
      [0, 16384],
      [16384, 16384],
      [32768, 7232],
    ]);
    expect(byPiece(2)).toEqual([
      [0, 16384],
      [16384, 3616],
    ]);
    expect(blocks).toHaveLength(8);
  });

  it('never hands out a requested block to another peer outside endgame', () => {
    const picker = PiecePicker.fromStrings('2222', '', { randomFirstPieces: 0 });
    const a = picker.pickBlocks('a', 'all', 10);
    const b = picker.pickBlocks('b', 'all', 6);
    expect(a).toHaveLength(10);
    expect(b).toHaveLength(6);
    const key = (x: BlockRequest) => `${x.index}/${x.begin}`;
    expect(new Set([...a, ...b].map(key)).size).toBe(16);
    expect(picker.inEndgame()).toBe(true);
    picker.checkInvariants();
  });

  it('cancelRequest makes the block pickable again', () => {
    const picker = PiecePicker.fromStrings('1', '', { randomFirstPieces: 0 });
    const [first, second] = picker.pickBlocks('a', 'all', 2);
    picker.cancelRequest('a', second);
    expect(picker.requestsOf('a')).toEqual([first]);
    expect(picker.pickBlocks('b', 'all', 1)).toEqual([second]);
    picker.checkInvariants();
  });

  it('a piece whose requests are all cancelled becomes fresh again', () => {
    const picker = PiecePicker.fromStrings('11', '', {
      randomFirstPieces: 0,
      random: seededRandom(9),
    });
    const blocks = picker.pickBlocks('a', 'all', 4);
    for (const block of blocks) picker.cancelRequest('a', block);
    picker.checkInvariants();
    expect(picker.requestsOf('a')).toEqual([]);
    expect(picker.pickBlocks('b', 'all', 8)).toHaveLength(8);
  });

  it('releasePeer returns all of its requests', () => {
    const picker = PiecePicker.fromStrings('1111', '', { randomFirstPieces: 0 });
    const a = picker.pickBlocks('a', 'all', 12);
    const [received] = a;
    picker.blockReceived('a', received);
    picker.releasePeer('a');
    expect(picker.requestsOf('a')).toEqual([]);
    picker.checkInvariants();
    const b = picker.pickBlocks('b', 'all', 20);
    expect(b).toHaveLength(15);
    expect(b).not.toContainEqual(received);
    expect(picker.inEndgame()).toBe(true);
  });

  it('reports piece completion, and pieceFailed makes every block missing again', () => {
    const picker = PiecePicker.fromStrings('1', '', { randomFirstPieces: 0 });
    const blocks = picker.pickBlocks('a', 'all', 4);
    const results = blocks.map((block) => picker.blockReceived('a', block));
    expect(results.map((r) => r.pieceComplete)).toEqual([false, false, false, true]);
    expect(results.every((r) => r.wanted)).toBe(true);
    expect(picker.pickBlocks('b', 'all', 4)).toEqual([]);
    picker.pieceFailed(0);
    picker.checkInvariants();
    expect(picker.have(0)).toBe(false);
    expect(picker.pickBlocks('b', 'all', 4)).toEqual(blocks);
    for (const block of blocks) picker.blockReceived('b', block);
    picker.pieceVerified(0);
    expect(picker.isComplete()).toBe(true);
    expect(picker.missingBytes()).toBe(0);
    picker.checkInvariants();
  });

  it('lists pieces in progress from first request to verification, apart from verified ones', () => {
    const picker = PiecePicker.fromStrings('111', '', { randomFirstPieces: 0 });
    const inProgress = () => [...picker.inProgressBitfield().indices()];
    expect(inProgress()).toEqual([]);
    picker.setHave(2);
    const [first, ...rest] = picker.pickBlocks('a', 'all', 4);
    expect(inProgress()).toEqual([first.index]);
    expect(picker.inProgressBitfield().get(2)).toBe(false);
    picker.blockReceived('a', first);
    for (const block of rest) picker.cancelRequest('a', block);
    // One block received: still in progress though nobody is asked for the rest.
    expect(inProgress()).toEqual([first.index]);
    for (const block of picker.pickBlocks('a', 'all', 3)) picker.blockReceived('a', block);
    // Every block in, hash not checked yet: still in progress, not done.
    expect(inProgress()).toEqual([first.index]);
    expect(picker.have(first.index)).toBe(false);
    picker.pieceVerified(first.index);
    expect(inProgress()).toEqual([]);
    const other = pieces(picker.pickBlocks('b', 'all', 1));
    expect(inProgress()).toEqual(other);
    picker.releasePeer('b');
    expect(inProgress()).toEqual([]);
    picker.checkInvariants();
  });

  it('says a duplicate or malformed block is not wanted', () => {
    const picker = PiecePicker.fromStrings('11', '', { randomFirstPieces: 0 });
    const [block] = picker.pickBlocks('a', 'all', 1);
    expect(picker.blockReceived('a', block).wanted).toBe(true);
    expect(picker.blockReceived('a', block).wanted).toBe(false);
    expect(picker.blockReceived('a', { index: 0, begin: 100, length: 16384 }).wanted).toBe(false);
    expect(picker.blockReceived('a', { index: 0, begin: 0, length: 100 }).wanted).toBe(false);
    expect(picker.blockReceived('a', { index: 5, begin: 0, length: 16384 }).wanted).toBe(false);
    picker.checkInvariants();
  });
});

describe('PiecePicker: endgame', () => {
  it('enters endgame once every missing block is requested, then duplicates and cancels', () => {
    const picker = PiecePicker.fromStrings('22', '', {
      randomFirstPieces: 0,
      endgameDuplicates: 1,
    });
    const a = picker.pickBlocks('a', 'all', 6);
    expect(picker.inEndgame()).toBe(false);
    const b = picker.pickBlocks('b', 'all', 2);
    expect(picker.inEndgame()).toBe(true);
    // Now c may only get blocks already asked of someone, and not b's own blocks back.
    const c = picker.pickBlocks('c', 'all', 10);
    expect(c).toHaveLength(8);
    const bAgain = picker.pickBlocks('b', 'all', 10);
    expect(bAgain).toHaveLength(0); // every block has 2 requesters: the limit with endgameDuplicates 1
    picker.checkInvariants();

    const shared = a[0];
    expect(picker.requestersOf(shared).sort()).toEqual(['a', 'c']);
    const result = picker.blockReceived('c', shared);
    expect(result).toEqual({ wanted: true, pieceComplete: false, cancelFrom: ['a'] });
    expect(picker.requestsOf('a')).not.toContainEqual(shared);
    expect(picker.blockReceived('a', shared).wanted).toBe(false);
    void b;
    picker.checkInvariants();
  });

  it('prefers the blocks with the fewest requesters in endgame', () => {
    const picker = PiecePicker.fromStrings('3', '', {
      randomFirstPieces: 0,
      endgameDuplicates: 2,
      random: seededRandom(5),
    });
    picker.pickBlocks('a', 'all', 4);
    const b = picker.pickBlocks('b', 'all', 2);
    const c = picker.pickBlocks('c', 'all', 2);
    const key = (x: BlockRequest) => x.begin;
    expect(new Set([...b, ...c].map(key)).size).toBe(4);
    picker.checkInvariants();
  });

  it('does not count pieces no peer has against endgame', () => {
    const picker = PiecePicker.fromStrings('10', '', { randomFirstPieces: 0 });
    expect(pieces(picker.pickBlocks('a', bits('10'), 4))).toEqual([0]);
    expect(picker.inEndgame()).toBe(true);
    picker.incPiece(1);
    expect(picker.inEndgame()).toBe(false);
    picker.checkInvariants();
  });
});

describe('PiecePicker: availability', () => {
  it('counts bitfields, haves and seeds', () => {
    const picker = new PiecePicker({ pieceCount: 4, pieceLength: KiB16, totalLength: 4 * KiB16 });
    picker.incAvailability(bits('1100'));
    picker.incAvailability('all');
    picker.incPiece(3);
    expect([0, 1, 2, 3].map((i) => picker.availability(i))).toEqual([2, 2, 1, 2]);
    picker.decAvailability('all');
    picker.decAvailability(bits('1100'));
    expect([0, 1, 2, 3].map((i) => picker.availability(i))).toEqual([0, 0, 0, 1]);
    expect(() => picker.decAvailability('all')).toThrow(RangeError);
    expect(() => picker.incAvailability(new Bitfield(5))).toThrow(RangeError);
    picker.checkInvariants();
  });

  it('reorders fresh pieces when availability changes', () => {
    const picker = PiecePicker.fromStrings('1111', '', { randomFirstPieces: 0 });
    picker.incAvailability(bits('1101'));
    expect(pieces(picker.pickBlocks('a', 'all', 4))).toEqual([2]);
  });

  it('reports have, missing bytes and completeness', () => {
    const picker = new PiecePicker({ pieceCount: 3, pieceLength: 40000, totalLength: 100000 });
    picker.setHave(2);
    expect(picker.haveCount()).toBe(1);
    expect(picker.missingBytes()).toBe(80000);
    expect(picker.haveBitfield().toBuffer()).toEqual(Buffer.from([0x20]));
    picker.setHave(0);
    picker.setHave(1);
    expect(picker.isComplete()).toBe(true);
    expect(picker.pickBlocks('a', 'all', 10)).toEqual([]);
    picker.checkInvariants();
  });

  it('rejects inconsistent sizes', () => {
    expect(() => new PiecePicker({ pieceCount: 3, pieceLength: 10, totalLength: 31 })).toThrow(
      RangeError,
    );
    expect(() => new PiecePicker({ pieceCount: 3, pieceLength: 10, totalLength: 20 })).toThrow(
      RangeError,
    );
  });

  it('checkInvariants notices corrupted bookkeeping', () => {
    const picker = PiecePicker.fromStrings('11', '', { randomFirstPieces: 0 });
    picker.pickBlocks('a', 'all', 2);
    (picker as unknown as { freeBlocks: number }).freeBlocks += 1;
    expect(() => picker.checkInvariants()).toThrow(/invariant/);
  });
});
