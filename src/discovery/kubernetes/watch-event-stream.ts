// Reads the body of a watch response: newline-delimited JSON, one
// {type, object} event a line (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR).
// Each chunk that arrives is reported first (onData), so the caller's
// quiet-watch timer sees bytes, not only whole events. A line that is not
// an event is reported (onMalformed) and skipped: one bad line never ends
// the watch.

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
 * Reads `body` to its end, handing each event to `sink`. Resolves when the
 * server ends the stream; rejects when it breaks or is aborted.
 */
export async function readWatchEvents(body: ReadableStream<Uint8Array>, sink: WatchEventSink): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sink.onData();
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line.length > 0) deliver(line, sink);
        newline = buffered.indexOf('\n');
      }
    }
    const last = (buffered + decoder.decode()).trim();
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
