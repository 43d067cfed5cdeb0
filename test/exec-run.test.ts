import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBraidError } from '../src/core/errors.js';
import { isProcessAlive } from '../src/exec/pid.js';
import { run, shellArgsOneStream } from '../src/exec/run.js';
import { ROOT } from './helpers/cli.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/exec');
const fixture = (name: string) => path.join(FIXTURES, name);

describe('run: output', () => {
  it("keeps a shell command's stdout and stderr lines in the order written, the command passed verbatim", async () => {
    const lines: Array<[string, string]> = [];
    // Alternating streams, as a test runner prints failures (stderr) then its summary (stdout).
    const command = `for i in $(seq 1 200); do echo "out $i"; echo "err $i" >&2; done; echo 'a "quoted" $HOME'`;
    const res = await run('sh', shellArgsOneStream(command), {
      cwd: FIXTURES,
      onLine: (line, stream) => lines.push([line, stream]),
    });
    expect(res.code).toBe(0);
    const expected = Array.from({ length: 200 }, (_, i) => [`out ${i + 1}`, `err ${i + 1}`]).flat();
    expect(lines.map(([l]) => l)).toEqual([...expected, `a "quoted" $HOME`]);
    expect(new Set(lines.map(([, s]) => s))).toEqual(new Set(['stdout']));
  });

  it('keeps a UTF-8 character whole when it arrives in two chunks', async () => {
    const lines: string[] = [];
    const res = await run(fixture('split-utf8'), [], {
      cwd: FIXTURES,
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['ok ✓']);
    expect(res.stdout).toBe('ok ✓\n');
  });

  it('returns once the command exited, though a grandchild still holds its pipes', async () => {
    const lines: string[] = [];
    const res = await run(fixture('hold-pipe'), [], { cwd: FIXTURES, onLine: (l) => lines.push(l) });
    const grandchild = Number(/grandchild (\d+)/.exec(res.stdout)?.[1]);
    try {
      expect(res.code).toBe(0);
      expect(lines).toContain('leaving');
      expect(res.stderr).toBe('leaving\n');
      // The grandchild sleeps 600 s (past the test's timeout): returning at all means run() did not wait for it.
      expect(isProcessAlive(grandchild)).toBe(true);
    } finally {
      if (grandchild) process.kill(grandchild, 'SIGKILL');
    }
  });

  it('caps what it keeps at maxBuffer, says so, and still passes every line to onLine', async () => {
    const seen = { stdout: 0, stderr: 0, last: '' };
    const max = 100_000;
    const res = await run(fixture('flood'), ['5000'], {
      cwd: FIXTURES,
      maxBuffer: max,
      onLine: (line, stream) => {
        seen[stream]++;
        if (stream === 'stderr') seen.last = line;
      },
    });
    expect(seen.stdout).toBe(5000);
    expect(seen.stderr).toBe(5001);
    expect(seen.last).toBe('last line');
    expect(Buffer.byteLength(res.stdout)).toBe(max);
    expect(res.stdout.startsWith('line 00000001 ')).toBe(true);
    // stderr keeps its end: the lines that explain a failure.
    expect(Buffer.byteLength(res.stderr)).toBe(max);
    expect(res.stderr.endsWith('last line\n')).toBe(true);
    expect(res.outputCut).toMatch(/cut at maxBuffer/);
    expect(res.outputCut).toMatch(/stdout: the 425000 bytes after the first 100000 dropped/);
  });

  it('refuses to hand back a cut stdout to a caller that parses it', async () => {
    const err = await run(fixture('flood'), ['5000'], { cwd: FIXTURES, maxBuffer: 100_000 }).catch(
      (e: unknown) => e,
    );
    expect(isBraidError(err, 'E_PROCESS')).toBe(true);
    expect((err as Error).message).toMatch(/more than maxBuffer allows: output cut at maxBuffer/);
  });

  it('says the output was cut when a failing command wrote too much', async () => {
    const err = await run('sh', ['-c', `"$0" 3000; exit 3`, fixture('flood')], {
      cwd: FIXTURES,
      maxBuffer: 10_000,
    }).catch((e: unknown) => e);
    expect(isBraidError(err, 'E_PROCESS')).toBe(true);
    expect((err as Error).message).toMatch(/exited with 3 \(output cut at maxBuffer/);
    expect((err as Error).message).toMatch(/last line$/);
  });
});
