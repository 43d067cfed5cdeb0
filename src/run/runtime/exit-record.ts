import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ExitRecord } from './types.js';

/** Written to a temp file then renamed, so a reader never sees half a record. */
export function writeExitRecord(exitPath: string, record: ExitRecord): void {
  const tmp = `${exitPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  renameSync(tmp, exitPath);
}

export function readExitRecord(exitPath: string): ExitRecord | null {
  try {
    const data = JSON.parse(readFileSync(exitPath, 'utf8')) as Partial<ExitRecord>;
    return {
      exitCode: typeof data.exitCode === 'number' ? data.exitCode : null,
      signal: typeof data.signal === 'string' ? data.signal : null,
      endedAt: typeof data.endedAt === 'string' ? data.endedAt : '',
    };
  } catch {
    return null;
  }
}
