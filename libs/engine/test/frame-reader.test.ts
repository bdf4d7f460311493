import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { FrameReader, connectWithFrameReader } from '../src/frame-reader.js';

function frame(payloadLength: number): Buffer {
  const f = randomBytes(4 + payloadLength);
  f.writeUInt32BE(payloadLength, 0);
  return f;
}

/** Splits whole frames back out of a chunk; fails the test on a partial one. */
function framesOf(chunk: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < chunk.length) {
    const size = 4 + chunk.readUInt32BE(pos);
    expect(pos + size).toBeLessThanOrEqual(chunk.length);
    out.push(Buffer.from(chunk.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

/** Writes `input` into the reader's space in pieces of the given sizes, as a socket would. */
function feed(reader: FrameReader, input: Buffer, sizes: number[]): void {
  let pos = 0;
  for (let i = 0; pos < input.length; i++) {
    const space = reader.space();
    expect(space.length).toBeGreaterThan(0);
    const n = Math.min(sizes[i % sizes.length]!, space.length, input.length - pos);
    input.copy(space, 0, pos, pos + n);
    pos += n;
    reader.received(n);
  }
}

describe('FrameReader', () => {
  test('hands out copies until framed, then only whole frames as views, bytes intact', () => {
    const reader = new FrameReader(64);
    const frames = [frame(10), frame(0), frame(30), frame(1), frame(55), frame(3), frame(20)];
    const handshake = randomBytes(20);
    const input = Buffer.concat([handshake, ...frames]);
    const received: Buffer[] = [];
    const viewFrames: Buffer[] = [];
    reader.onChunk = (chunk, isView) => {
      if (isView) viewFrames.push(...framesOf(chunk));
      // What a decoder would do: keep copies; the reader's buffer is overwritten later.
      received.push(Buffer.from(chunk));
    };
    feed(reader, handshake, [20]);
    expect(received).toEqual([handshake]);
    reader.framed = true;
    feed(reader, input.subarray(20), [7, 1, 13, 40, 2]);
    expect(Buffer.concat(received)).toEqual(input);
    expect(viewFrames).toEqual(frames);
  });

  test('a copy stays intact when the buffer is read into again', () => {
    const reader = new FrameReader(32);
    let kept: Buffer | undefined;
    reader.onChunk = (chunk, isView) => {
      expect(isView).toBe(false);
      kept ??= chunk;
    };
    feed(reader, Buffer.alloc(10, 1), [10]);
    feed(reader, Buffer.alloc(10, 2), [10]);
    expect(kept).toEqual(Buffer.alloc(10, 1));
  });

  test('a frame larger than the buffer goes out as copies and leaves framed mode', () => {
    const reader = new FrameReader(64);
    reader.framed = true;
    const small = frame(8);
    const big = frame(200);
    const chunks: { bytes: Buffer; isView: boolean }[] = [];
    reader.onChunk = (chunk, isView) => chunks.push({ bytes: Buffer.from(chunk), isView });
    feed(reader, Buffer.concat([small, big]), [50]);
    expect(chunks[0]).toEqual({ bytes: small, isView: true });
    expect(chunks.slice(1).every((c) => !c.isView)).toBe(true);
    expect(reader.framed).toBe(false);
    expect(Buffer.concat(chunks.map((c) => c.bytes))).toEqual(Buffer.concat([small, big]));
  });

  test('over a real socket, 4 MiB of 16 KiB frames arrive whole and in order', async () => {
    const frames = Array.from({ length: 256 }, (_, i) => frame(i % 7 === 0 ? 5 : 16384 + 9));
    const expected = createHash('sha256').update(Buffer.concat(frames)).digest('hex');
    const server = net.createServer((s) => s.end(Buffer.concat(frames)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as net.AddressInfo;
      const { socket, reader } = connectWithFrameReader('127.0.0.1', port);
      reader.framed = true;
      const hash = createHash('sha256');
      let count = 0;
      reader.onChunk = (chunk) => {
        for (const f of framesOf(chunk)) {
          hash.update(f);
          count++;
        }
      };
      await new Promise<void>((resolve, reject) => {
        socket.on('end', resolve);
        socket.on('error', reject);
      });
      socket.destroy();
      expect(count).toBe(frames.length);
      expect(hash.digest('hex')).toBe(expected);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
