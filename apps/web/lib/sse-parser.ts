// A Server-Sent Events parser for streams read with fetch (EventSource cannot send the
// Authorization header the agent requires). Follows the WHATWG event-stream format: fields
// `event`, `data` (joined with '\n'), `id`; comments start with ':'; an empty line dispatches.

export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/** A single event's data larger than this is a broken or hostile stream, not progress. */
const MAX_EVENT_CHARS = 1_000_000;

export class SseParseError extends Error {
  readonly code = 'SSE_EVENT_TOO_LARGE';
}

export class SseParser {
  private buffer = '';
  private eventType = '';
  private data: string[] = [];
  private dataChars = 0;
  private lastId: string | undefined;
  private sawCarriageReturn = false;

  /** Feeds decoded text (any split) and returns the events it completes. */
  push(chunk: string): ServerSentEvent[] {
    let text = chunk;
    // A CRLF split across chunks: the '\n' belongs to the line the '\r' already ended.
    if (this.sawCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.sawCarriageReturn = text.endsWith('\r');
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    if (this.buffer.length > MAX_EVENT_CHARS)
      throw new SseParseError('event stream line exceeds the size limit');
    for (const line of lines) {
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    return events;
  }

  private processLine(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.data.length === 0) {
        this.eventType = '';
        return undefined;
      }
      const event: ServerSentEvent = {
        event: this.eventType || 'message',
        data: this.data.join('\n'),
      };
      if (this.lastId !== undefined) event.id = this.lastId;
      this.eventType = '';
      this.data = [];
      this.dataChars = 0;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') {
      this.dataChars += value.length;
      if (this.dataChars > MAX_EVENT_CHARS)
        throw new SseParseError('event stream event exceeds the size limit');
      this.data.push(value);
    } else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }
}
