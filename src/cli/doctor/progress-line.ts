// One line on stderr that says what doctor is doing while its calls run,
// rewritten in place. Only on a terminal: piped or captured stderr (CI, a
// script, a test) gets nothing, so the report on stdout stays the only output.

export interface ProgressLine {
  update(text: string): void;
  clear(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (!stream.isTTY) return { update() {}, clear() {} };
  let shown = false;
  let last = 0;
  return {
    update(text) {
      // A few redraws a second are plenty, and cheap on a slow terminal.
      const now = Date.now();
      if (shown && now - last < 100) return;
      last = now;
      const width = Math.max(20, (stream.columns || 80) - 1);
      stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
