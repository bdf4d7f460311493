import { Bitfield } from '@swarmhub/wire';

export interface BlockRequest {
  index: number;
  begin: number;
  length: number;
}

/** An opaque peer identity chosen by the engine (e.g. "ip:port"). */
export type PeerKey = string;

export interface PiecePickerOptions {
  pieceCount: number;
  pieceLength: number;
  totalLength: number;
  blockSize?: number;
  /** While fewer pieces than this are complete, fresh pieces are picked at random, not rarest first. */
  randomFirstPieces?: number;
  /** Source of randomness in [0, 1): tests pass a seeded one. */
  random?: () => number;
  /** In endgame, how many peers besides the first may be asked for the same block. */
  endgameDuplicates?: number;
}

export interface BlockReceived {
  /** False when the block was already received, the piece is verified, or the block does not exist. */
  wanted: boolean;
  /** Every block of the piece is now received: hash it, then call pieceVerified or pieceFailed. */
  pieceComplete: boolean;
  /** Other peers that were asked for this block (endgame): send them a cancel. Their requests are dropped. */
  cancelFrom: PeerKey[];
}

const FREE = 0;
const REQUESTED = 1;
const RECEIVED = 2;

/** A piece of which at least one block is requested or received, and which is not verified yet. */
interface OpenPiece {
  readonly index: number;
  readonly state: Uint8Array;
  /** Peers asked for each block; empty unless the block is REQUESTED. */
  readonly requesters: PeerKey[][];
  free: number;
  requested: number;
  received: number;
}

/**
 * Chooses which blocks to request from which peer, in the manner of libtorrent's piece_picker:
 * it knows availability, requested and received blocks and verified pieces, and nothing of sockets.
 *
 * Fresh pieces (nothing requested yet) sit in buckets by availability, so the rarest is found
 * without sorting; a piece leaves the buckets once a block of it is requested and comes back if
 * every request on it is cancelled before anything arrived. Peers that have every piece are
 * counted once in `seedCount` rather than in every piece, which keeps seeds O(1) and leaves the
 * rarity order unchanged.
 */
export class PiecePicker {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  readonly blockSize: number;
  readonly blocksPerPiece: number;
  private readonly randomFirstPieces: number;
  private readonly random: () => number;
  private readonly endgameDuplicates: number;

  private readonly counts: Uint32Array;
  private seedCount = 0;
  private readonly haveBits: Bitfield;
  private readonly buckets: number[][] = [];
  private readonly bucketPosition: Int32Array;
  private readonly open = new Map<number, OpenPiece>();
  /** Open pieces that still have a FREE block, in the order they were opened: older ones are finished first. */
  private readonly withFreeBlocks = new Set<number>();
  /** Global block numbers (index * blocksPerPiece + block) each peer has been asked for. */
  private readonly peerRequests = new Map<PeerKey, Set<number>>();
  /** FREE blocks over all pieces not verified, and over those of them that no counted peer has. */
  private freeBlocks = 0;
  private freeBlocksUnavailable = 0;

  constructor(options: PiecePickerOptions) {
    const { pieceCount, pieceLength, totalLength } = options;
    const blockSize = options.blockSize ?? 16384;
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) {
      throw new RangeError(`pieceCount must be a non-negative integer, got ${pieceCount}`);
    }
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
      throw new RangeError(`pieceLength must be a positive integer, got ${pieceLength}`);
    }
    if (!Number.isSafeInteger(blockSize) || blockSize <= 0) {
      throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
    }
    const minimum = pieceCount === 0 ? 0 : (pieceCount - 1) * pieceLength + 1;
    if (
      !Number.isSafeInteger(totalLength) ||
      totalLength < minimum ||
      totalLength > pieceCount * pieceLength
    ) {
      throw new RangeError(
        `totalLength ${totalLength} does not fit ${pieceCount} pieces of ${pieceLength} bytes`,
      );
    }
    this.pieceCount = pieceCount;
    this.pieceLength = pieceLength;
    this.totalLength = totalLength;
    this.blockSize = blockSize;
    this.blocksPerPiece = Math.ceil(pieceLength / blockSize);
    this.randomFirstPieces = options.randomFirstPieces ?? 4;
    this.random = options.random ?? Math.random;
    this.endgameDuplicates = options.endgameDuplicates ?? 2;
    this.counts = new Uint32Array(pieceCount);
    this.haveBits = new Bitfield(pieceCount);
    this.bucketPosition = new Int32Array(pieceCount).fill(-1);
    for (let index = 0; index < pieceCount; index++) {
      this.addToBucket(index);
      const blocks = this.blockCount(index);
      this.freeBlocks += blocks;
      this.freeBlocksUnavailable += blocks;
    }
  }

  /**
   * Builds a picker from short strings, as libtorrent's tests do: `availability` holds one digit
   * (0-9, then a-z for 10-35) per piece, `have` a '1' for each piece already verified.
   * By default pieces are four blocks long.
   */
  static fromStrings(
    availability: string,
    have = '',
    options: Partial<PiecePickerOptions> = {},
  ): PiecePicker {
    const pieceCount = availability.length;
    const blockSize = options.blockSize ?? 16384;
    const pieceLength = options.pieceLength ?? 4 * blockSize;
    const picker = new PiecePicker({
      ...options,
      pieceCount,
      pieceLength,
      blockSize,
      totalLength: options.totalLength ?? pieceCount * pieceLength,
    });
    for (let index = 0; index < pieceCount; index++) {
      const count = parseInt(availability[index], 36);
      if (Number.isNaN(count))
        throw new RangeError(`bad availability digit '${availability[index]}'`);
      for (let i = 0; i < count; i++) picker.incPiece(index);
    }
    for (let index = 0; index < have.length; index++) {
      if (have[index] === '1') picker.setHave(index);
      else if (have[index] !== '0') throw new RangeError(`bad have digit '${have[index]}'`);
    }
    return picker;
  }

  // ---- sizes ----

  pieceSize(index: number): number {
    return index === this.pieceCount - 1
      ? this.totalLength - index * this.pieceLength
      : this.pieceLength;
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / this.blockSize);
  }

  private blockLength(index: number, block: number): number {
    return Math.min(this.blockSize, this.pieceSize(index) - block * this.blockSize);
  }

  // ---- availability ----

  incAvailability(has: Bitfield | 'all'): void {
    if (has === 'all') {
      if (this.seedCount++ === 0) this.freeBlocksUnavailable = 0;
      return;
    }
    this.checkBitfield(has);
    for (const index of has.indices()) this.incPiece(index);
  }

  decAvailability(has: Bitfield | 'all'): void {
    if (has === 'all') {
      if (this.seedCount === 0)
        throw new RangeError('decAvailability("all") without a matching inc');
      if (--this.seedCount === 0) this.freeBlocksUnavailable = this.countFreeUnavailable();
      return;
    }
    this.checkBitfield(has);
    for (const index of has.indices()) this.decPiece(index);
  }

  /** A peer announced `have` for this piece. */
  incPiece(index: number): void {
    this.checkIndex(index);
    const before = this.counts[index]++;
    if (before === 0 && this.seedCount === 0)
      this.freeBlocksUnavailable -= this.freeBlocksOf(index);
    this.moveBucket(index, before);
  }

  decPiece(index: number): void {
    this.checkIndex(index);
    if (this.counts[index] === 0)
      throw new RangeError(`availability of piece ${index} is already 0`);
    const before = this.counts[index]--;
    if (before === 1 && this.seedCount === 0)
      this.freeBlocksUnavailable += this.freeBlocksOf(index);
    this.moveBucket(index, before);
  }

  availability(index: number): number {
    this.checkIndex(index);
    return this.counts[index] + this.seedCount;
  }

  // ---- what we have ----

  have(index: number): boolean {
    return this.haveBits.get(index);
  }

  haveCount(): number {
    return this.haveBits.count();
  }

  isComplete(): boolean {
    return this.haveBits.count() === this.pieceCount;
  }

  haveBitfield(): Bitfield {
    return this.haveBits.clone();
  }

  /**
   * Pieces being downloaded: some block requested or received, not verified yet (a piece whose
   * blocks are all in and which waits for its hash check counts too). Never overlaps `haveBitfield`.
   */
  inProgressBitfield(): Bitfield {
    const inProgress = new Bitfield(this.pieceCount);
    for (const index of this.open.keys()) inProgress.set(index);
    return inProgress;
  }

  /** Bytes of the pieces not verified yet (the tracker's `left`). */
  missingBytes(): number {
    let missing = this.totalLength;
    for (const index of this.haveBits.indices()) missing -= this.pieceSize(index);
    return missing;
  }

  /** Marks a piece verified (resume data, or after its hash matched); its outstanding requests are dropped. */
  setHave(index: number): void {
    this.checkIndex(index);
    if (this.haveBits.get(index)) return;
    this.adjustFree(index, -this.freeBlocksOf(index));
    this.removeFromBucket(index);
    const piece = this.open.get(index);
    if (piece) this.closePiece(piece);
    this.haveBits.set(index);
  }

  pieceVerified(index: number): void {
    this.setHave(index);
  }

  /** The hash check failed: every block of the piece is missing again, and it is pickable again. */
  pieceFailed(index: number): void {
    this.checkIndex(index);
    if (this.haveBits.get(index)) {
      this.haveBits.set(index, false);
      this.adjustFree(index, this.blockCount(index));
      this.addToBucket(index);
      return;
    }
    const piece = this.open.get(index);
    if (!piece) return;
    this.adjustFree(index, piece.requested + piece.received);
    this.closePiece(piece);
    this.addToBucket(index);
  }

  // ---- requests ----

  inEndgame(): boolean {
    // Pieces no connected peer has cannot be requested, so they do not hold endgame off.
    return this.open.size > 0 && this.freeBlocks - this.freeBlocksUnavailable === 0;
  }

  /**
   * Up to `count` blocks to request from `peer`, and marks them requested by it. Open pieces are
   * finished first (fewer pieces in flight), then fresh pieces rarest first (random among equals;
   * random outright for the first few). A block already requested from another peer is returned
   * only in endgame, to at most `endgameDuplicates` extra peers, least-requested blocks first.
   * `onlyPieces` restricts the choice (allowed-fast pieces while choked, suggestions); pieces in
   * `skip` are treated as pieces the peer does not have (it refused them).
   */
  pickBlocks(
    peer: PeerKey,
    peerHas: Bitfield | 'all',
    count: number,
    options: {
      onlyPieces?: number[];
      skip?: ReadonlySet<number> | ReadonlyMap<number, unknown>;
    } = {},
  ): BlockRequest[] {
    const picked: BlockRequest[] = [];
    if (count <= 0 || this.isComplete()) return picked;
    if (peerHas !== 'all') this.checkBitfield(peerHas);
    const skip = options.skip;
    const has =
      skip && skip.size > 0
        ? (index: number) => !skip.has(index) && (peerHas === 'all' || peerHas.get(index))
        : peerHas === 'all'
          ? () => true
          : (index: number) => peerHas.get(index);

    if (options.onlyPieces) {
      const allowed = new Set<number>();
      for (const index of options.onlyPieces) {
        if (Number.isInteger(index) && index >= 0 && index < this.pieceCount && has(index)) {
          allowed.add(index);
        }
      }
      for (const index of allowed) {
        if (this.haveBits.get(index)) continue;
        const piece =
          this.open.get(index) ??
          (this.bucketPosition[index] >= 0 ? this.openPiece(index) : undefined);
        if (piece) this.takeFree(peer, piece, count, picked);
        if (picked.length >= count) return picked;
      }
      if (this.inEndgame()) this.pickDuplicates(peer, (index) => allowed.has(index), count, picked);
      return picked;
    }

    for (const index of this.withFreeBlocks) {
      if (picked.length >= count) return picked;
      if (has(index)) this.takeFree(peer, this.open.get(index)!, count, picked);
    }

    while (picked.length < count) {
      const wantedPieces = Math.ceil((count - picked.length) / this.blocksPerPiece);
      const candidates =
        this.haveBits.count() < this.randomFirstPieces
          ? this.randomFreshPieces(has, wantedPieces)
          : this.rarestFreshPieces(has, wantedPieces);
      if (candidates.length === 0) break;
      for (const index of candidates) {
        this.takeFree(peer, this.openPiece(index), count, picked);
        if (picked.length >= count) break;
      }
    }

    if (picked.length < count && this.inEndgame()) this.pickDuplicates(peer, has, count, picked);
    return picked;
  }

  blockReceived(peer: PeerKey, block: BlockRequest): BlockReceived {
    const located = this.locate(block);
    const unwanted: BlockReceived = { wanted: false, pieceComplete: false, cancelFrom: [] };
    if (!located) return unwanted;
    const { index, blockIndex } = located;
    if (this.haveBits.get(index)) return unwanted;
    const piece = this.open.get(index) ?? this.openPiece(index);
    const state = piece.state[blockIndex];
    if (state === RECEIVED) {
      this.dropRequester(piece, blockIndex, peer);
      return unwanted;
    }
    const cancelFrom = piece.requesters[blockIndex].filter((requester) => requester !== peer);
    for (const requester of piece.requesters[blockIndex]) {
      this.peerRequests.get(requester)?.delete(index * this.blocksPerPiece + blockIndex);
    }
    for (const requester of piece.requesters[blockIndex]) this.forgetPeerIfIdle(requester);
    piece.requesters[blockIndex] = [];
    if (state === FREE) {
      piece.free--;
      this.adjustFree(index, -1);
      if (piece.free === 0) this.withFreeBlocks.delete(index);
    } else {
      piece.requested--;
    }
    piece.state[blockIndex] = RECEIVED;
    piece.received++;
    return { wanted: true, pieceComplete: piece.received === piece.state.length, cancelFrom };
  }

  /** Timeout, reject or choke: the block is pickable again unless another peer is still asked for it. */
  cancelRequest(peer: PeerKey, block: BlockRequest): void {
    const located = this.locate(block);
    if (!located) return;
    const piece = this.open.get(located.index);
    if (!piece) return;
    this.dropRequester(piece, located.blockIndex, peer);
  }

  /** The peer is gone: everything it was asked for is pickable again. */
  releasePeer(peer: PeerKey): void {
    const requests = this.peerRequests.get(peer);
    if (!requests) return;
    for (const key of [...requests]) {
      const index = Math.floor(key / this.blocksPerPiece);
      const piece = this.open.get(index);
      if (piece) this.dropRequester(piece, key - index * this.blocksPerPiece, peer);
    }
    this.peerRequests.delete(peer);
  }

  requestsOf(peer: PeerKey): BlockRequest[] {
    const requests = this.peerRequests.get(peer);
    if (!requests) return [];
    return [...requests].map((key) => {
      const index = Math.floor(key / this.blocksPerPiece);
      return this.blockRequest(index, key - index * this.blocksPerPiece);
    });
  }

  /** How many peers are currently asked for this block (0 when free, received or unknown). */
  requestersOf(block: BlockRequest): PeerKey[] {
    const located = this.locate(block);
    if (!located) return [];
    return [...(this.open.get(located.index)?.requesters[located.blockIndex] ?? [])];
  }

  // ---- invariants ----

  checkInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`PiecePicker invariant violated: ${message}`);
    };
    let freeBlocks = 0;
    let haveCount = 0;
    for (let index = 0; index < this.pieceCount; index++) {
      const have = this.haveBits.get(index);
      const inBucket = this.bucketPosition[index] >= 0;
      const piece = this.open.get(index);
      if (Number(have) + Number(inBucket) + Number(piece !== undefined) !== 1) {
        fail(
          `piece ${index} is in ${Number(have) + Number(inBucket) + Number(piece !== undefined)} states`,
        );
      }
      if (have) haveCount++;
      if (inBucket) {
        const bucket = this.buckets[this.counts[index]];
        if (bucket?.[this.bucketPosition[index]] !== index)
          fail(`piece ${index} misplaced in its bucket`);
        freeBlocks += this.blockCount(index);
      }
      if (piece) {
        freeBlocks += piece.free;
        this.checkOpenPiece(piece, fail);
      }
    }
    if (haveCount !== this.haveBits.count()) fail('have count differs from the bitfield');
    let bucketed = 0;
    this.buckets.forEach((bucket, count) => {
      bucketed += bucket.length;
      for (const index of bucket)
        if (this.counts[index] !== count) fail(`piece ${index} in bucket ${count}`);
    });
    if (bucketed + this.open.size + haveCount !== this.pieceCount)
      fail('pieces counted twice or lost');
    if (freeBlocks !== this.freeBlocks)
      fail(`free blocks ${this.freeBlocks}, recounted ${freeBlocks}`);
    if (this.seedCount === 0 && this.countFreeUnavailable() !== this.freeBlocksUnavailable) {
      fail('free blocks of unavailable pieces miscounted');
    }
    if (this.seedCount > 0 && this.freeBlocksUnavailable !== 0)
      fail('unavailable free blocks with a seed');
    for (const index of this.withFreeBlocks) {
      if ((this.open.get(index)?.free ?? 0) === 0)
        fail(`piece ${index} listed with free blocks but has none`);
    }
    for (const [peer, requests] of this.peerRequests) {
      if (requests.size === 0) fail(`peer ${peer} kept with no requests`);
      for (const key of requests) {
        const index = Math.floor(key / this.blocksPerPiece);
        const blockIndex = key - index * this.blocksPerPiece;
        const piece = this.open.get(index);
        if (
          !piece ||
          piece.state[blockIndex] !== REQUESTED ||
          !piece.requesters[blockIndex].includes(peer)
        ) {
          fail(`peer ${peer} holds request ${index}/${blockIndex} the piece does not know`);
        }
      }
    }
  }

  private checkOpenPiece(piece: OpenPiece, fail: (message: string) => never): void {
    let free = 0;
    let requested = 0;
    let received = 0;
    piece.state.forEach((state, blockIndex) => {
      const requesters = piece.requesters[blockIndex];
      if (state === FREE) free++;
      if (state === RECEIVED) received++;
      if (state === REQUESTED) {
        requested++;
        if (requesters.length === 0)
          fail(`block ${piece.index}/${blockIndex} requested from nobody`);
        if (requesters.length > 1 + this.endgameDuplicates)
          fail(`block ${piece.index}/${blockIndex} over-requested`);
        if (new Set(requesters).size !== requesters.length)
          fail(`block ${piece.index}/${blockIndex} duplicate requester`);
        for (const peer of requesters) {
          if (!this.peerRequests.get(peer)?.has(piece.index * this.blocksPerPiece + blockIndex)) {
            fail(`block ${piece.index}/${blockIndex} lists ${peer}, which does not hold it`);
          }
        }
      } else if (requesters.length !== 0) {
        fail(`block ${piece.index}/${blockIndex} not requested but has requesters`);
      }
    });
    if (free !== piece.free || requested !== piece.requested || received !== piece.received) {
      fail(`piece ${piece.index} block counts are stale`);
    }
    if (free === piece.state.length)
      fail(`open piece ${piece.index} has nothing requested or received`);
    if (free > 0 !== this.withFreeBlocks.has(piece.index))
      fail(`piece ${piece.index} free-list membership`);
  }

  // ---- internals ----

  private randomFreshPieces(has: (index: number) => boolean, wanted: number): number[] {
    const found = new Set<number>();
    // Sampling is cheap and unbiased while fresh pieces are plentiful; the scan covers the rest.
    for (let attempt = 0; attempt < 64 && found.size < wanted; attempt++) {
      const index = Math.floor(this.random() * this.pieceCount);
      if (this.bucketPosition[index] >= 0 && has(index)) found.add(index);
    }
    if (found.size < wanted) {
      for (const index of this.rarestFreshPieces(
        (i) => has(i) && !found.has(i),
        wanted - found.size,
      )) {
        found.add(index);
      }
    }
    return [...found];
  }

  /** Scans buckets from the rarest, each from a random starting point so that ties are spread. */
  private rarestFreshPieces(has: (index: number) => boolean, wanted: number): number[] {
    const found: number[] = [];
    for (const bucket of this.buckets) {
      if (!bucket || bucket.length === 0) continue;
      const start = Math.floor(this.random() * bucket.length);
      for (let i = 0; i < bucket.length; i++) {
        const index = bucket[(start + i) % bucket.length];
        if (has(index)) {
          found.push(index);
          if (found.length >= wanted) return found;
        }
      }
    }
    return found;
  }

  private takeFree(peer: PeerKey, piece: OpenPiece, count: number, picked: BlockRequest[]): void {
    for (
      let blockIndex = 0;
      blockIndex < piece.state.length && picked.length < count;
      blockIndex++
    ) {
      if (piece.state[blockIndex] !== FREE) continue;
      piece.state[blockIndex] = REQUESTED;
      piece.free--;
      piece.requested++;
      this.adjustFree(piece.index, -1);
      this.addRequester(piece, blockIndex, peer);
      picked.push(this.blockRequest(piece.index, blockIndex));
    }
    if (piece.free === 0) this.withFreeBlocks.delete(piece.index);
  }

  private pickDuplicates(
    peer: PeerKey,
    has: (index: number) => boolean,
    count: number,
    picked: BlockRequest[],
  ): void {
    const candidates: { piece: OpenPiece; blockIndex: number; requesters: number; tie: number }[] =
      [];
    for (const piece of this.open.values()) {
      if (piece.requested === 0 || !has(piece.index)) continue;
      piece.state.forEach((state, blockIndex) => {
        const requesters = piece.requesters[blockIndex];
        if (
          state !== REQUESTED ||
          requesters.length > this.endgameDuplicates ||
          requesters.includes(peer)
        )
          return;
        candidates.push({ piece, blockIndex, requesters: requesters.length, tie: this.random() });
      });
    }
    candidates.sort((a, b) => a.requesters - b.requesters || a.tie - b.tie);
    for (const { piece, blockIndex } of candidates) {
      if (picked.length >= count) return;
      this.addRequester(piece, blockIndex, peer);
      picked.push(this.blockRequest(piece.index, blockIndex));
    }
  }

  private addRequester(piece: OpenPiece, blockIndex: number, peer: PeerKey): void {
    piece.requesters[blockIndex].push(peer);
    let requests = this.peerRequests.get(peer);
    if (!requests) {
      requests = new Set();
      this.peerRequests.set(peer, requests);
    }
    requests.add(piece.index * this.blocksPerPiece + blockIndex);
  }

  /** Removes `peer` from a block's requesters; a block nobody is asked for any more becomes FREE. */
  private dropRequester(piece: OpenPiece, blockIndex: number, peer: PeerKey): void {
    const requests = this.peerRequests.get(peer);
    requests?.delete(piece.index * this.blocksPerPiece + blockIndex);
    this.forgetPeerIfIdle(peer);
    const requesters = piece.requesters[blockIndex];
    const at = requesters.indexOf(peer);
    if (at < 0) return;
    requesters.splice(at, 1);
    if (requesters.length > 0 || piece.state[blockIndex] !== REQUESTED) return;
    piece.state[blockIndex] = FREE;
    piece.requested--;
    piece.free++;
    this.adjustFree(piece.index, 1);
    this.withFreeBlocks.add(piece.index);
    if (piece.free === piece.state.length) {
      // Nothing asked, nothing received: back among the fresh pieces so rarity decides again.
      this.closePiece(piece);
      this.addToBucket(piece.index);
    }
  }

  private forgetPeerIfIdle(peer: PeerKey): void {
    if (this.peerRequests.get(peer)?.size === 0) this.peerRequests.delete(peer);
  }

  private openPiece(index: number): OpenPiece {
    this.removeFromBucket(index);
    const blocks = this.blockCount(index);
    const piece: OpenPiece = {
      index,
      state: new Uint8Array(blocks),
      requesters: Array.from({ length: blocks }, () => []),
      free: blocks,
      requested: 0,
      received: 0,
    };
    this.open.set(index, piece);
    this.withFreeBlocks.add(index);
    return piece;
  }

  /** Forgets an open piece and every request on it; the caller decides where the piece goes next. */
  private closePiece(piece: OpenPiece): void {
    piece.requesters.forEach((requesters, blockIndex) => {
      for (const peer of requesters) {
        this.peerRequests.get(peer)?.delete(piece.index * this.blocksPerPiece + blockIndex);
        this.forgetPeerIfIdle(peer);
      }
    });
    this.open.delete(piece.index);
    this.withFreeBlocks.delete(piece.index);
  }

  private freeBlocksOf(index: number): number {
    if (this.haveBits.get(index)) return 0;
    const piece = this.open.get(index);
    return piece ? piece.free : this.blockCount(index);
  }

  private adjustFree(index: number, delta: number): void {
    this.freeBlocks += delta;
    if (this.seedCount === 0 && this.counts[index] === 0) this.freeBlocksUnavailable += delta;
  }

  private countFreeUnavailable(): number {
    let free = 0;
    for (let index = 0; index < this.pieceCount; index++) {
      if (this.counts[index] === 0) free += this.freeBlocksOf(index);
    }
    return free;
  }

  private addToBucket(index: number): void {
    const count = this.counts[index];
    while (this.buckets.length <= count) this.buckets.push([]);
    const bucket = this.buckets[count];
    // Inserting at a random place keeps each bucket shuffled, so ties are not broken by index.
    const at = Math.floor(this.random() * (bucket.length + 1));
    if (at === bucket.length) {
      bucket.push(index);
    } else {
      const displaced = bucket[at];
      bucket.push(displaced);
      this.bucketPosition[displaced] = bucket.length - 1;
      bucket[at] = index;
    }
    this.bucketPosition[index] = at;
  }

  private removeFromBucket(index: number): void {
    const position = this.bucketPosition[index];
    if (position < 0) return;
    const bucket = this.buckets[this.counts[index]];
    const last = bucket.pop()!;
    if (last !== index) {
      bucket[position] = last;
      this.bucketPosition[last] = position;
    }
    this.bucketPosition[index] = -1;
  }

  /** Called after counts[index] changed from `before`: a fresh piece follows its count to another bucket. */
  private moveBucket(index: number, before: number): void {
    const position = this.bucketPosition[index];
    if (position < 0) return;
    const bucket = this.buckets[before];
    const last = bucket.pop()!;
    if (last !== index) {
      bucket[position] = last;
      this.bucketPosition[last] = position;
    }
    this.addToBucket(index);
  }

  private locate(block: BlockRequest): { index: number; blockIndex: number } | undefined {
    const { index, begin, length } = block;
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return undefined;
    if (!Number.isInteger(begin) || begin < 0 || begin % this.blockSize !== 0) return undefined;
    const blockIndex = begin / this.blockSize;
    if (blockIndex >= this.blockCount(index) || length !== this.blockLength(index, blockIndex))
      return undefined;
    return { index, blockIndex };
  }

  private blockRequest(index: number, blockIndex: number): BlockRequest {
    return {
      index,
      begin: blockIndex * this.blockSize,
      length: this.blockLength(index, blockIndex),
    };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new RangeError(`piece index ${index} out of range (${this.pieceCount} pieces)`);
    }
  }

  private checkBitfield(bitfield: Bitfield): void {
    if (bitfield.length !== this.pieceCount) {
      throw new RangeError(
        `bitfield of ${bitfield.length} pieces for a torrent of ${this.pieceCount}`,
      );
    }
  }
}
