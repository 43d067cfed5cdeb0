import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from './helpers/cli.js';
import { buildOnce, type PlanRepo, planRepo, snapshot, until } from './helpers/plan-run.js';

let ctx: PlanRepo | null = null;
beforeAll(buildOnce, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

/** The additionalContext entries fake-claude kept in a task's transcript. */
async function contexts(dir: string, task: string): Promise<string[]> {
  const t = (await snapshot(dir)).byName.get(task);
  if (!t?.transcriptPath) return [];
  return readFileSync(t.transcriptPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { subtype?: string; content?: string })
    .filter((e) => e.subtype === 'hook_additional_context')
    .map((e) => e.content ?? '');
}

interface NoteList {
  notes: { id: number; text: string; deliveredTo: { task: string; via: string }[] }[];
}

describe('braid note', () => {
  it('reaches a live Claude Code session once, on its next hook, and sessions started later', async () => {
    const p = await planRepo();
    ctx = p;
    const script = '@sleep 3000 ;; @write n.txt x ;; @run true ;; @commit n';
    const started = await runCli(
      p.repo.dir,
      ['new', 'talker', '--headless', '--agent', 'fake', '-p', script],
      {
        env: p.env,
      },
    );
    expect(started.code, started.stderr).toBe(0);
    await until(
      'talker working',
      async () => (await snapshot(p.repo.dir)).byName.get('talker')?.status === 'working',
    );

    const added = await runCli(p.repo.dir, ['note', 'The API moved under /v2; use tabs.'], { env: p.env });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('on their next hook event: talker');

    await until(
      'talker exited',
      async () => (await snapshot(p.repo.dir)).byName.get('talker')?.status === 'exited',
    );
    const got = await contexts(p.repo.dir, 'talker');
    expect(got.filter((c) => c.includes('The API moved under /v2; use tabs.'))).toHaveLength(1);

    const later = await runCli(
      p.repo.dir,
      ['new', 'later', '--headless', '--agent', 'fake', '-p', '@say hello'],
      {
        env: p.env,
      },
    );
    expect(later.code, later.stderr).toBe(0);
    await until(
      'later exited',
      async () => (await snapshot(p.repo.dir)).byName.get('later')?.status === 'exited',
    );
    expect((await contexts(p.repo.dir, 'later')).join('\n')).toContain('The API moved under /v2; use tabs.');

    const list = await cliJson<NoteList>(p.repo.dir, ['note', '--list'], p.env);
    expect(list.notes).toHaveLength(1);
    expect(list.notes[0].text).toBe('The API moved under /v2; use tabs.');
    expect(list.notes[0].deliveredTo.map((d) => `${d.task}:${d.via}`).sort()).toEqual([
      'later:context',
      'talker:context',
    ]);
  }, 60_000);

  it('refuses an empty note and lists nothing when there are none', async () => {
    ctx = await planRepo();
    const empty = await runCli(ctx.repo.dir, ['note'], { env: ctx.env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no note given');
    expect(await cliJson<NoteList>(ctx.repo.dir, ['note', '--list'], ctx.env)).toEqual({ notes: [] });
  }, 30_000);
});
