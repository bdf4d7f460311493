import { Duplex } from 'node:stream';

/** Two in-memory streams joined back to back, like the two ends of a TCP connection. */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        other().push(chunk);
        cb();
      },
      final(cb) {
        other().push(null);
        cb();
      },
    });
  const a = make(() => ends[1]!);
  const b = make(() => ends[0]!);
  ends.push(a, b);
  return [a, b];
}
