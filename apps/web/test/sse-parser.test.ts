import { expect, test } from 'vitest';
import { SseParser, SseParseError, type ServerSentEvent } from '../lib/sse-parser';

const STREAM =
  ': keep-alive comment\n\n' +
  'event: transfer\ndata: {"infoHash":"aa","progress":0.5}\n\n' +
  'event: removed\r\ndata: {"infoHash":"bb"}\r\n\r\n' +
  'data: line one\ndata: line two\nid: 7\n\n';

const EXPECTED: ServerSentEvent[] = [
  { event: 'transfer', data: '{"infoHash":"aa","progress":0.5}' },
  { event: 'removed', data: '{"infoHash":"bb"}' },
  { event: 'message', data: 'line one\nline two', id: '7' },
];

test('parses typed events, comments, CRLF and multi-line data', () => {
  expect(new SseParser().push(STREAM)).toEqual(EXPECTED);
});

test('gives the same events however the stream is split', () => {
  for (let split = 0; split <= STREAM.length; split += 1) {
    const parser = new SseParser();
    const events = [...parser.push(STREAM.slice(0, split)), ...parser.push(STREAM.slice(split))];
    expect(events, `split at ${split}`).toEqual(EXPECTED);
  }
  const parser = new SseParser();
  const oneByOne = [...STREAM].flatMap((ch) => parser.push(ch));
  expect(oneByOne).toEqual(EXPECTED);
});

test('an event is not delivered before its blank line arrives', () => {
  const parser = new SseParser();
  expect(parser.push('event: transfer\ndata: {}\n')).toEqual([]);
  expect(parser.push('\n')).toEqual([{ event: 'transfer', data: '{}' }]);
});

test('an endless line is refused instead of filling memory', () => {
  const parser = new SseParser();
  expect(() => parser.push('data: ' + 'x'.repeat(1_100_000))).toThrow(SseParseError);
});
