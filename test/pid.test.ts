import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, processStartTime } from '../src/exec/pid.js';
import { until } from './helpers/wait.js';

describe('isProcessAlive', () => {
  it('counts a zombie as ended: its parent has not reaped it yet, but it runs no more', async () => {
    // The parent execs into a sleep that never waits, so its child, once released, stays a zombie.
    const release = path.join(mkdtempSync(path.join(tmpdir(), 'braid-pid-')), 'release');
    const child = `while [ ! -e '${release}' ]; do sleep 0.05; done`;
    const parent = spawn('sh', ['-c', `(${child}) & echo $!; exec sleep 30`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = Number(
        await new Promise<string>((resolve) =>
          parent.stdout.once('data', (d: Buffer) => resolve(d.toString())),
        ),
      );
      const start = processStartTime(pid);
      expect(isProcessAlive(pid, start)).toBe(true);
      writeFileSync(release, '');
      const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      await until('the child to become a zombie', () => state() === 'Z', 10_000);
      expect(existsSync(`/proc/${pid}`)).toBe(true);
      expect(isProcessAlive(pid, start)).toBe(false);
      expect(isProcessAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      rmSync(path.dirname(release), { recursive: true, force: true });
    }
  });
});
