/** What run() keeps of a child's output: decoded per stream, capped in memory, split into lines. */
import { StringDecoder } from 'node:string_decoder';

/** Default cap on what run() keeps of each stream in memory (onLine still sees every line). */
export const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Keeps at most `max` bytes of one stream: the first ones (`head`: stdout, which callers parse) or the
 * last ones (`tail`: stderr, whose end explains a failure). Counts what it dropped.
 */
export class CappedOutput {
  private chunks: Buffer[] = [];
  private kept = 0;
  /** Bytes received but not kept. */
  dropped = 0;

  constructor(
    private readonly max: number,
    private readonly keep: 'head' | 'tail',
  ) {}

  push(chunk: Buffer): void {
    if (this.keep === 'head') {
      const room = Math.max(0, this.max - this.kept);
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (part.length) this.chunks.push(part);
      this.kept += part.length;
      this.dropped += chunk.length - part.length;
      return;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept > this.max && this.chunks.length) {
      const over = this.kept - this.max;
      const first = this.chunks[0];
      if (first.length <= over) {
        this.chunks.shift();
        this.kept -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.kept -= over;
        this.dropped += over;
      }
    }
  }

  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * Calls onLine for each complete line of a byte stream. One decoder for the whole stream: a UTF-8
 * character split across two chunks (a pipe delivers whatever was written so far) stays whole.
 * Returns flush(): passes on the last unterminated line (on 'end', or when run() stops waiting).
 */
export function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let flushed = false;
  const emit = (text: string) => {
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) onLine(p.replace(/\r$/, ''));
  };
  const flush = () => {
    if (flushed) return;
    flushed = true;
    emit(decoder.end());
    if (rest) onLine(rest.replace(/\r$/, ''));
    rest = '';
  };
  stream.on('data', (d: Buffer) => {
    if (!flushed) emit(decoder.write(d));
  });
  stream.on('end', flush);
  return flush;
}

/** Says how much of each stream was not kept, for results and error messages ('' when nothing). */
export function cutNote(stdoutDropped: number, stderrDropped: number, max: number): string {
  const parts: string[] = [];
  if (stdoutDropped) parts.push(`stdout: the ${stdoutDropped} bytes after the first ${max} dropped`);
  if (stderrDropped) parts.push(`stderr: the first ${stderrDropped} bytes dropped, the last ${max} kept`);
  return parts.length ? `output cut at maxBuffer (${parts.join('; ')})` : '';
}
