import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, ROOT, requireBuiltCli, runCli } from './helpers/cli.js';
import { claudeOnPath, type PlanRepo, planRepo, planYaml, snapshot } from './helpers/plan-run.js';
import { until } from './helpers/wait.js';

/**
 * The permission policy through the CLI, with fake-claude standing in for `claude` on PATH: in print
 * mode it refuses, like Claude Code 2.1, every tool use the policy braid passes does not allow.
 */
let p: PlanRepo;
beforeAll(requireBuiltCli);
afterEach(async () => p?.cleanup());

interface LsTask {
  name: string;
  status: string;
  statusDetail: string | null;
  exitCode: number | null;
  refusals: Array<{ tool: string; target: string | null }>;
}

async function ended(name: string): Promise<LsTask> {
  return until(
    `${name} ended`,
    async () => {
      const { tasks } = await cliJson<{ tasks: LsTask[] }>(p.repo.dir, ['ls'], env());
      const t = tasks.find((x) => x.name === name);
      // SessionEnd marks it exited before the process is gone: done once its exit code is read.
      return t && ['exited', 'failed'].includes(t.status) && t.exitCode !== null ? t : null;
    },
    120_000,
  );
}

const env = () => claudeOnPath(p);

/** Adds lines under `agents.claude` in braid.yaml (which already has an `agents:` map). */
function setClaude(lines: string): void {
  const file = p.env.BRAID_CONFIG as string;
  writeFileSync(file, readFileSync(file, 'utf8').replace('agents:\n', `agents:\n  claude:\n${lines}`));
}

describe('permission policy', () => {
  it('lets a headless Claude task edit, commit and run the gate by default, and lands it', async () => {
    p = await planRepo('gate: test -f feature.txt');
    const script = '@write feature.txt done ;; @run test -f feature.txt ;; @commit add feature';
    const res = await runCli(p.repo.dir, ['new', 'feat', '--headless', '--agent', 'claude', '-p', script], {
      env: env(),
    });
    expect(res.code, res.stderr).toBe(0);
    const task = await ended('feat');
    expect(task.status).toBe('exited');
    expect(task.refusals).toEqual([]);
    const land = await runCli(p.repo.dir, ['land', 'feat'], { env: env() });
    expect(land.code, land.stderr + land.stdout).toBe(0);
    expect(await p.repo.git('show', 'main:feature.txt')).toBe('done');
  });

  it('a run whose edit was refused and that changed nothing ends failed, saying why, in ls, logs and --json', async () => {
    p = await planRepo();
    // braid.yaml asks for Claude Code's own default mode: in print mode nobody grants anything.
    setClaude('    permission_mode: default\n');
    const script = '@write a.txt x ;; @commit nope';
    const res = await runCli(p.repo.dir, ['new', 'stuck', '--headless', '--agent', 'claude', '-p', script], {
      env: env(),
    });
    expect(res.code, res.stderr).toBe(0);
    const task = await ended('stuck');
    expect(task.status).toBe('failed');
    // braid's git rules still hold (git commit had nothing to commit); the Write was refused.
    expect(task.statusDetail).toMatch(/refused 1 tool use: Write \(.*a\.txt\); it changed nothing/);
    expect(task.refusals.map((d) => d.tool)).toEqual(['Write']);
    const ls = await runCli(p.repo.dir, ['ls'], { env: env() });
    expect(ls.stdout).toMatch(/stuck\s+failed \(the agent was refused 1 tool use/);
    const logs = await runCli(p.repo.dir, ['logs', 'stuck'], { env: env() });
    expect(logs.stdout).toMatch(/braid: the agent was refused 1 tool use: Write/);
  });

  it('a run that was refused one command but committed work exits, with the refusal noted', async () => {
    p = await planRepo();
    setClaude('    allowed_tools: ["Bash(touch:*)"]\n');
    const script = '@run touch ok.txt ;; @run curl -s http://127.0.0.1:9 ;; @commit partial';
    await runCli(p.repo.dir, ['new', 'part', '--headless', '--agent', 'claude', '-p', script], {
      env: env(),
    });
    const task = await ended('part');
    expect(task.status).toBe('exited');
    expect(task.refusals).toEqual([{ tool: 'Bash', target: 'curl -s http://127.0.0.1:9' }]);
    expect(task.statusDetail).not.toContain('changed nothing');
    expect(await p.repo.git('show', '--stat', '--format=%s', 'braid/part')).toContain('ok.txt');
  });

  it("braid run's report names the refusals; the task fails and its dependents are skipped", async () => {
    p = await planRepo();
    // The plan's agent `fake` (already in braid.yaml) gets Claude Code's own default mode.
    const file = p.env.BRAID_CONFIG as string;
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace('    status: hooks\n', '    status: hooks\n    permission_mode: default\n'),
    );
    const plan = p.plan(
      planYaml([
        { name: 'alpha', script: '@write a.txt a ;; @commit alpha', agent: 'fake' },
        { name: 'beta', script: '@write b.txt b ;; @commit beta', needs: ['alpha'], agent: 'fake' },
      ]),
    );
    const res = await runCli(p.repo.dir, ['run', plan, '--json'], { env: p.env, timeoutMs: 180_000 });
    const report = JSON.parse(res.stdout) as {
      tasks: Array<{ name: string; outcome: string; reason: string | null; refused: string | null }>;
    };
    const alpha = report.tasks.find((t) => t.name === 'alpha');
    expect(alpha?.outcome).toBe('failed');
    expect(alpha?.reason).toContain('changed nothing');
    // Its git commit is among braid's own rules; the Write is what the default mode refuses.
    expect(alpha?.refused).toMatch(/^refused 1: Write \(.*a\.txt\)$/);
    expect(report.tasks.find((t) => t.name === 'beta')?.outcome).toBe('skipped');
    expect((await snapshot(p.repo.dir)).byName.get('alpha')?.status).toBe('failed');
  });

  it('a sandboxed headless Claude task skips the prompts (bypassPermissions; IS_SANDBOX=1 as root)', async () => {
    p = await planRepo();
    const script = '@run touch free.txt ;; @commit boxed';
    // The sandbox's /tmp is private: `claude` must resolve to the fake from a folder it can see.
    const visible = {
      ...p.env,
      PATH: `${path.join(ROOT, 'test/fixtures/bin')}${path.delimiter}${process.env.PATH}`,
    };
    const res = await runCli(
      p.repo.dir,
      ['new', 'boxed', '--sandbox', '--headless', '--agent', 'claude', '-p', script],
      { env: visible },
    );
    expect(res.code, res.stderr).toBe(0);
    const task = await ended('boxed');
    // On failure, say why: the session's own log (its stderr is there).
    const logPath = (await snapshot(p.repo.dir)).byName.get('boxed')?.logPath ?? '';
    const log = existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-3000) : '(no log)';
    expect(task.status, `${task.statusDetail}\n${log}`).toBe('exited');

    expect(task.refusals).toEqual([]);
    expect(await p.repo.git('show', '--stat', '--format=%s', 'braid/boxed')).toContain('free.txt');
  });

  it('a PermissionRequest hook in a headless run is recorded as a refusal, not a wait', async () => {
    p = await planRepo();
    const script = '@sleep 200000';
    await runCli(p.repo.dir, ['new', 'asker', '--headless', '--agent', 'claude', '-p', script], {
      env: env(),
    });
    const worktree = await until('asker worktree', async () =>
      (await snapshot(p.repo.dir)).byName.get('asker'),
    );
    const payload = JSON.stringify({
      session_id: 's1',
      cwd: worktree.worktree,
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'curl example.com' },
    });
    const hook = await runCli(worktree.worktree, ['hook', 'PermissionRequest'], {
      env: { ...env(), BRAID_TASK: 'asker' },
      input: payload,
    });
    expect(hook.code, hook.stderr).toBe(0);
    const { tasks } = await cliJson<{ tasks: LsTask[] }>(p.repo.dir, ['ls'], env());
    const t = tasks.find((x) => x.name === 'asker');
    expect(t?.status).not.toBe('waiting');
    expect(t?.refusals).toEqual([{ tool: 'Bash', target: 'curl example.com' }]);
    await runCli(p.repo.dir, ['stop', 'asker'], { env: env() });
  });
});
