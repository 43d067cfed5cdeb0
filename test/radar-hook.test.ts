import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject, type Project } from '../src/project/project.js';
import { insertTask } from '../src/store/tasks.js';
import { runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

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
  insertTask(project.store.db, {
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
async function hook(dir: string, task: string, event: string, extra: Record<string, unknown>) {
  const payload = {
    session_id: `sess-${task}`,
    transcript_path: `/t/${task}.jsonl`,
    cwd: dir,
    hook_event_name: event,
    ...extra,
  };
  const res = await runCli(dir, ['hook', event], {
    env: { BRAID_TASK: task },
    input: JSON.stringify(payload),
  });
  expect(res.code).toBe(0);
  return res.stdout.trim() ? JSON.parse(res.stdout) : null;
}

const read = { tool_name: 'Read', tool_input: { file_path: 'a.txt' } };

describe('the radar from the agents hooks', () => {
  it("an edit's PostToolUse rescans, and the next hook tells the agent once as additionalContext", async () => {
    repo = await tempRepo({ files: { 'a.txt': lines(30) } });
    project = await openProject(repo.dir);
    const a = await addTask('a');
    const b = await addTask('b');
    // B changes lines 10-12; B's own hook snapshots it.
    for (const n of [10, 11, 12]) editLine(path.join(b, 'a.txt'), n, `b was here ${n}`);
    const edit = (file: string) => ({
      tool_name: 'Edit',
      tool_input: { file_path: file, old_string: 'x', new_string: 'y' },
      tool_response: { success: true },
    });
    expect(await hook(b, 'b', 'PostToolUse', edit(path.join(b, 'a.txt')))).toBeNull();
    // Nothing to say to A before it edits the same lines.
    expect(await hook(a, 'a', 'PreToolUse', read)).toBeNull();

    editLine(path.join(a, 'a.txt'), 11, 'a was here');
    await hook(a, 'a', 'PostToolUse', edit(path.join(a, 'a.txt')));
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
  }, 60_000);
});
