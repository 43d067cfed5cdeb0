import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PricingTable } from '../../core/pricing.js';
import { DEFAULT_PRICING } from '../../core/pricing-table.js';
import {
  parseUsageLine,
  totalsOf,
  type UsageEntry,
  UsageLedger,
  type UsageTotals,
} from '../../core/usage.js';
import { claudeConfigDir } from '../../run/agents/claude-home.js';

/** Java's String.hashCode, as Claude Code uses to shorten long project folder names. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Claude Code's project folder name for a working directory (see claude-code-facts.md). */
export function encodeProjectDir(absPath: string): string {
  const enc = absPath.replace(/[^a-zA-Z0-9]/g, '-');
  if (enc.length <= 200) return enc;
  return `${enc.slice(0, 200)}-${Math.abs(javaHash(absPath)).toString(36)}`;
}

/** The transcript folder of sessions started in `cwd` (resolved like Claude Code does, when it exists). */
export function projectDirFor(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  let real = path.resolve(cwd);
  try {
    real = realpathSync(real);
  } catch {
    // A removed worktree keeps its transcripts under the path it had.
  }
  return path.join(claudeConfigDir(env), 'projects', encodeProjectDir(real));
}

/** Every `.jsonl` below `dir` (subagent transcripts live in `<session>/subagents/`), sorted. */
export function jsonlFilesUnder(dir: string, modifiedSince = 0): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of names) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.jsonl') && mtimeOf(p) >= modifiedSince) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The session a transcript file belongs to: `projects/<p>/<session>.jsonl` or `projects/<p>/<session>/…`. */
export function sessionIdOfFile(file: string): string {
  const parts = path.resolve(file).split(path.sep);
  const i = parts.lastIndexOf('projects');
  if (i >= 0 && parts.length > i + 3) return parts[i + 2];
  return path.basename(file, '.jsonl');
}

interface FileCursor {
  offset: number;
  /** Bytes of a line not yet ended by a newline. */
  pending: Buffer;
}

const CHUNK = 1 << 20;

/**
 * Reads usage from transcripts incrementally: each call reads only what was appended since the
 * last one, so sampling a growing session every few seconds stays cheap. A file that shrank was
 * rewritten: everything is read again.
 */
export class UsageReader {
  private ledger = new UsageLedger();
  private cursors = new Map<string, FileCursor>();
  private readonly files: () => string[];
  private listed = 0;

  constructor(
    files: string[] | (() => string[]),
    private readonly pricing: PricingTable = DEFAULT_PRICING,
  ) {
    this.files = typeof files === 'function' ? files : () => files;
  }

  read(): UsageTotals {
    this.update();
    return totalsOf(this.ledger.entries(), this.pricing);
  }

  /** The de-duplicated entries read so far (after catching up with the files). */
  entries(): readonly UsageEntry[] {
    this.update();
    return this.ledger.entries();
  }

  /** How many transcript files the last read found (a session may exist before its first reply). */
  get fileCount(): number {
    return this.listed;
  }

  private update(): void {
    const files = this.files();
    this.listed = files.length;
    for (const file of files) {
      const size = sizeOf(file);
      const cursor = this.cursors.get(file);
      if (size !== null && cursor && size < cursor.offset) {
        this.reset();
        this.update();
        return;
      }
    }
    for (const file of files) this.readFile(file);
  }

  private reset(): void {
    this.ledger = new UsageLedger();
    this.cursors = new Map();
  }

  private readFile(file: string): void {
    let cursor = this.cursors.get(file);
    if (!cursor) {
      cursor = { offset: 0, pending: Buffer.alloc(0) };
      this.cursors.set(file, cursor);
    }
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return; // deleted since it was listed
    }
    const session = sessionIdOfFile(file);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, cursor.offset);
        if (n <= 0) break;
        cursor.offset += n;
        this.consume(cursor, Buffer.concat([cursor.pending, buf.subarray(0, n)]), session);
      }
    } finally {
      closeSync(fd);
    }
    // A last line without its newline still counts once it is complete JSON.
    if (cursor.pending.length > 0 && isCompleteJson(cursor.pending)) {
      this.addLine(cursor.pending.toString('utf8'), session);
      cursor.pending = Buffer.alloc(0);
    }
  }

  private consume(cursor: FileCursor, data: Buffer, session: string): void {
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      this.addLine(data.toString('utf8', start, nl), session);
      start = nl + 1;
    }
    cursor.pending = Buffer.from(data.subarray(start));
  }

  private addLine(line: string, session: string): void {
    for (const entry of parseUsageLine(line, session)) this.ledger.add(entry);
  }
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

function isCompleteJson(buf: Buffer): boolean {
  try {
    JSON.parse(buf.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
