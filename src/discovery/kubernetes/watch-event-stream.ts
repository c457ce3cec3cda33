// Reads the body of a watch response: newline-delimited JSON, one
// {type, object} event a line (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR).
// Each chunk that arrives is reported first (onData), so the caller's
// quiet-watch timer sees bytes, not only whole events. A line that is not
// an event is reported (onMalformed) and skipped: one bad line never ends
// the watch. A line is held until its newline, up to MAX_WATCH_LINE_CHARS:
// an object larger than the API server stores, or a body that never sends a
// newline, ends the watch with an error rather than growing without bound.

export interface WatchEvent {
  readonly type: string;
  readonly object: unknown;
}

export interface WatchEventSink {
  /** Bytes arrived (the watch is alive). */
  onData(): void;
  onEvent(event: WatchEvent): void;
  onMalformed(line: string, error: unknown): void;
}

/**
 * The longest watch line held: etcd stores objects up to 1.5 MiB by
 * default, and an event carries one object; a line 16 times that is not
 * an event of a Kubernetes API server.
 */
export const MAX_WATCH_LINE_CHARS = 24 * 1024 * 1024;

/** A watch line past MAX_WATCH_LINE_CHARS. */
export class WatchLineTooLongError extends Error {
  constructor(chars: number) {
    super(`a watch line had ${chars} characters and no end; at most ${MAX_WATCH_LINE_CHARS} are held (an event carries one object, and the API server stores objects of at most about 1.5 MiB)`);
    this.name = 'WatchLineTooLongError';
  }
}

/**
 * Reads `body` to its end, handing each event to `sink`. Resolves when the
 * server ends the stream; rejects when it breaks or is aborted.
 */
export async function readWatchEvents(body: ReadableStream<Uint8Array>, sink: WatchEventSink): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  /** The text of the line not yet ended, in the pieces it came in (joined once, when it ends). */
  let pieces: string[] = [];
  let held = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sink.onData();
      // Only the new text can hold the next newline: a long line is scanned and copied once, not once per chunk.
      let text = decoder.decode(value, { stream: true });
      let newline = text.indexOf('\n');
      while (newline >= 0) {
        pieces.push(text.slice(0, newline));
        const line = pieces.join('').trim();
        [pieces, held] = [[], 0];
        if (line.length > 0) deliver(line, sink);
        text = text.slice(newline + 1);
        newline = text.indexOf('\n');
      }
      if (text.length > 0) {
        pieces.push(text);
        held += text.length;
      }
      if (held > MAX_WATCH_LINE_CHARS) throw new WatchLineTooLongError(held);
    }
    const last = (pieces.join('') + decoder.decode()).trim();
    if (last.length > 0) deliver(last, sink);
  } finally {
    reader.releaseLock();
  }
}

function deliver(line: string, sink: WatchEventSink): void {
  let event: WatchEvent;
  try {
    const parsed = JSON.parse(line) as { type?: unknown; object?: unknown };
    if (typeof parsed.type !== 'string') throw new Error('no "type" field');
    event = { type: parsed.type, object: parsed.object };
  } catch (error) {
    sink.onMalformed(line, error);
    return;
  }
  sink.onEvent(event);
}
