import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { openProject, type Project } from '../src/project/project.js';
import { lastEditEventId, listEvents } from '../src/store/events.js';
import { getLock } from '../src/store/locks.js';
import { getSnapshot } from '../src/store/radar.js';
import { insertTask } from '../src/store/tasks.js';
import { rescanRunning } from '../src/watch/radar/rescan.js';
import { runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let project: Project;
afterEach(() => {
  project?.close();
  repo?.cleanup();
});

const lines = (n: number) => `${Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n')}\n`;

function editLine(file: string, lineNo: number, text: string): void {
  const all = readFileSync(file, 'utf8').split('\n');
  all[lineNo - 1] = text;
  writeFileSync(file, all.join('\n'));
}

async function addTask(name: string): Promise<string> {
  const dir = path.join(repo.parent, `wt-${name}`);
  await repo.git('worktree', 'add', '-q', '-b', `braid/${name}`, dir, 'main');
  insertTask(project.store, {
    name,
    branch: `braid/${name}`,
    worktree: dir,
    base: 'main',
    baseCommit: await repo.git('rev-parse', 'main'),
    agent: 'claude',
    status: 'working',
  });
  return dir;
}

/** `braid hook <event>` as Claude Code runs it: a real process, the payload on stdin, in the worktree. */
async function hook(
  dir: string,
  task: string,
  event: string,
  extra: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
) {
  const payload = {
    session_id: `sess-${task}`,
    transcript_path: `/t/${task}.jsonl`,
    cwd: dir,
    hook_event_name: event,
    ...extra,
  };
  const res = await runCli(dir, ['hook', event], {
    env: { BRAID_TASK: task, ...env },
    input: JSON.stringify(payload),
  });
  expect(res.code).toBe(0);
  return res.stdout.trim() ? JSON.parse(res.stdout) : null;
}

/** The hook does not wait for its rescan: it is done once the edit was snapshotted and no worker holds the task. */
async function rescanned(task: string, since: number): Promise<void> {
  await until(`the rescan of ${task} after the edit`, () => {
    const snap = getSnapshot(project.store, task);
    return !!snap && snap.takenAt >= since && !rescanRunning(project.store, task);
  });
}

/** An editing tool use; returns once its detached rescan stored the findings. */
async function editHook(dir: string, task: string, extra: Record<string, unknown>) {
  const since = Date.now();
  const out = await hook(dir, task, 'PostToolUse', extra);
  await rescanned(task, since);
  return out;
}

interface RescanRun {
  scans: number;
  startedAt: number;
  endedAt: number;
  coveredEdit: number;
}

/** The detached rescans of `task` so far, once one of them covered edit event `edit` and none runs. */
async function rescansCovering(task: string, edit: number): Promise<RescanRun[]> {
  return until(`a rescan of ${task} covering edit ${edit}, and no worker left`, () => {
    const runs = listEvents(project.store, { task })
      .filter((e) => e.kind === 'radar.rescanned')
      .map((e) => e.data as unknown as RescanRun);
    return runs.some((r) => r.coveredEdit >= edit) && !rescanRunning(project.store, task) && runs;
  });
}

/** State letter of a process from /proc (T: stopped), or null once it is gone. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}

/** Waits until no rescan worker of this test's repositories runs (so clean-up does not race one). */
async function workersGone(under: string): Promise<void> {
  await until(`no rescan worker left under ${under}`, () => {
    const left = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return cmd.includes('rescan-main.js') && cmd.includes(under);
        } catch {
          return false;
        }
      });
    return !left.length;
  });
}

const edit = (file: string) => ({
  tool_name: 'Edit',
  tool_input: { file_path: file, old_string: 'x', new_string: 'y' },
  tool_response: { success: true },
});

const read = { tool_name: 'Read', tool_input: { file_path: 'a.txt' } };

describe('the radar from the agents hooks', () => {
  it("an edit's PostToolUse rescans, and the next hook tells the agent once as additionalContext", async () => {
    repo = await tempRepo({ files: { 'a.txt': lines(30) } });
    project = await openProject(repo.dir);
    const a = await addTask('a');
    const b = await addTask('b');
    // B changes lines 10-12; B's own hook snapshots it.
    for (const n of [10, 11, 12]) editLine(path.join(b, 'a.txt'), n, `b was here ${n}`);
    expect(await editHook(b, 'b', edit(path.join(b, 'a.txt')))).toBeNull();
    // Nothing to say to A before it edits the same lines.
    expect(await hook(a, 'a', 'PreToolUse', read)).toBeNull();

    editLine(path.join(a, 'a.txt'), 11, 'a was here');
    await editHook(a, 'a', edit(path.join(a, 'a.txt')));
    const next = await hook(a, 'a', 'PreToolUse', read);

    expect(next.hookSpecificOutput.hookEventName).toBe('PreToolUse');
    const context: string = next.hookSpecificOutput.additionalContext;
    expect(context).toMatch(/task b also changes a\.txt lines 10-12 \(your changes conflict with it\)/);
    // Once: the same finding is not told again.
    const later = await hook(a, 'a', 'PreToolUse', read);
    expect(later?.hookSpecificOutput?.additionalContext ?? '').not.toContain('task b');
    // B learns on its next hook too (the pair was recomputed from A's side).
    const forB = await hook(b, 'b', 'PreToolUse', read);
    expect(forB.hookSpecificOutput.additionalContext).toMatch(/task a also changes a\.txt line 11/);
  });

  it('a Bash-only edit (sed: HEAD and index unchanged) collides, and the radar has it without waiting for a pass', async () => {
    repo = await tempRepo({ files: { 'a.txt': lines(10) } });
    project = await openProject(repo.dir);
    const a = await addTask('a');
    const b = await addTask('b');
    const sedHook = async (dir: string, task: string, script: string) => {
      await run('sed', ['-i', script, 'a.txt'], { cwd: dir });
      const since = Date.now();
      await hook(dir, task, 'PostToolUse', {
        tool_name: 'Bash',
        tool_input: { command: `sed -i '${script}' a.txt` },
        tool_response: { stdout: '', stderr: '', interrupted: false },
      });
      await rescanned(task, since);
    };
    await sedHook(b, 'b', '4s/.*/b by sed/');
    await sedHook(a, 'a', '4s/.*/a by sed/');
    // No supervisor runs here: the findings come from the hooks' own rescans.
    const next = await hook(a, 'a', 'PreToolUse', read);
    expect(next.hookSpecificOutput.additionalContext).toMatch(
      /task b also changes a\.txt line 4 \(your changes conflict with it\)/,
    );
    const radar = JSON.parse((await runCli(repo.dir, ['radar', '--json'])).stdout) as {
      pairs: Array<{ a: string; b: string; files: string[]; kind: string }>;
    };
    expect(radar.pairs).toEqual([
      expect.objectContaining({ a: 'a', b: 'b', files: ['a.txt'], kind: 'textual' }),
    ]);
  });

  it('a failed Bash call (PostToolUseFailure, e.g. a conflicted git merge) rescans what it wrote', async () => {
    repo = await tempRepo({ files: { 'a.txt': lines(10) } });
    project = await openProject(repo.dir);
    const a = await addTask('a');
    editLine(path.join(a, 'a.txt'), 3, '<<<<<<< HEAD');
    const since = Date.now();
    await hook(a, 'a', 'PostToolUseFailure', {
      tool_name: 'Bash',
      tool_input: { command: 'git merge main' },
      error: 'Exit code 1',
    });
    await rescanned('a', since);
    const snap = getSnapshot(project.store, 'a');
    expect((await repo.git('show', `${snap?.commit}:a.txt`)).split('\n')[2]).toBe('<<<<<<< HEAD');
  });

  it('a burst of edits: one rescan of a task at a time, and the last edit is always scanned', async () => {
    repo = await tempRepo({ files: { 'a.txt': lines(30) } });
    project = await openProject(repo.dir);
    const a = await addTask('a');
    await addTask('b');
    const file = path.join(a, 'a.txt');
    // Each edit is followed by its hook without waiting for the last: hooks race each other and the rescans.
    const hooks: Array<Promise<unknown>> = [];
    for (let i = 1; i <= 5; i++) {
      editLine(file, i, `edit ${i}`);
      hooks.push(hook(a, 'a', 'PostToolUse', edit(file)));
    }
    await Promise.all(hooks);
    const lastEdit = lastEditEventId(project.store, 'a');
    const runs = await rescansCovering('a', lastEdit);

    expect(runs.some((r) => r.coveredEdit >= lastEdit)).toBe(true);
    // Never two rescans of the task at once.
    const sorted = [...runs].sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i].startedAt).toBeGreaterThanOrEqual(sorted[i - 1].endedAt);
    // The stored snapshot holds every edit, the last one included.
    const snap = getSnapshot(project.store, 'a');
    const scanned = await repo.git('show', `${snap?.commit}:a.txt`);
    expect(scanned.split('\n').slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((i) => `edit ${i}`));
    await workersGone(repo.parent);
  });

  it('an edit while a rescan runs starts no second worker: the running one scans once more', async () => {
    repo = await tempRepo({ files: { 'a.txt': lines(30) } });
    project = await openProject(repo.dir);
    const a = await addTask('a');
    await addTask('b');
    const file = path.join(a, 'a.txt');
    editLine(file, 1, 'first edit');
    // The worker this hook starts stops itself right after its first scan.
    await hook(a, 'a', 'PostToolUse', edit(file), { BRAID_PAUSE_AT: 'radar-rescan:scanned' });
    const worker = await until('the rescan worker stopped after its first scan', () => {
      const pid = getLock(project.store, 'radar-rescan.a')?.pid;
      return pid && processState(pid) === 'T' && pid;
    });
    editLine(file, 2, 'second edit');
    await hook(a, 'a', 'PostToolUse', edit(file));
    const second = lastEditEventId(project.store, 'a');
    process.kill(worker, 'SIGCONT');
    const runs = await rescansCovering('a', second);

    // One worker, two scans: the second edit was picked up by the run that was going.
    expect(runs).toEqual([expect.objectContaining({ scans: 2, coveredEdit: second })]);
    const snap = getSnapshot(project.store, 'a');
    const scanned = await repo.git('show', `${snap?.commit}:a.txt`);
    expect(scanned.split('\n').slice(0, 2)).toEqual(['first edit', 'second edit']);
    await workersGone(repo.parent);
  });
});
