import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { type PlanRepo, planRepo, snapshot } from './helpers/plan-run.js';
import { tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let ctx: PlanRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
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
    // talker works until the note is in: it gets it on its next hook.
    const release = path.join(p.repo.parent, 'release-talker');
    const script = `@waitfile ${release} ;; @write n.txt x ;; @run true ;; @commit n`;
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
    writeFileSync(release, '');

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
  });

  it('refuses an empty note and lists nothing when there are none', async () => {
    ctx = await planRepo();
    const empty = await runCli(ctx.repo.dir, ['note'], { env: ctx.env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no note given');
    expect(await cliJson<NoteList>(ctx.repo.dir, ['note', '--list'], ctx.env)).toEqual({ notes: [] });
  });

  it('the supervisor types a note into a hook-less tmux session once it is idle, and into later ones', async () => {
    const p = await planRepo();
    ctx = p;
    const server = tmuxServer();
    try {
      // A screen-watched agent that reads what is typed at it: busy printing first, then at rest.
      const config = p.env.BRAID_CONFIG as string;
      const typist = [
        '  typist:',
        '    command: ["sh", "-c", "{prompt}"]',
        '    status: screen',
        '    screen_idle_seconds: 1',
        '',
      ].join('\n');
      writeFileSync(config, readFileSync(config, 'utf8').replace('agents:\n', `agents:\n${typist}`));
      const env = { ...p.env, BRAID_TMUX_SOCKET: server.socket, TMUX: '', BRAID_NO_SUPERVISOR: '' };
      // Busy (its screen changing) until the test has added the note, then it reads what is typed.
      const release = path.join(p.repo.parent, 'release-busy');
      const busy = `while [ ! -e '${release}' ]; do echo busy; sleep 0.2; done; cat >> heard.txt`;
      const started = await runCli(p.repo.dir, ['new', 'busy', '--agent', 'typist', '-p', busy], { env });
      expect(started.code, started.stderr).toBe(0);
      await until(
        'busy working',
        async () => (await snapshot(p.repo.dir)).byName.get('busy')?.status === 'working',
      );

      const added = await runCli(p.repo.dir, ['note', '--json', 'Use the new logger.'], { env });
      expect(added.code, added.stderr).toBe(0);
      // Busy at note time: nothing typed then.
      expect((JSON.parse(added.stdout) as { typed: string[] }).typed).toEqual([]);
      writeFileSync(release, '');

      const worktree = (await snapshot(p.repo.dir)).byName.get('busy')?.worktree ?? '';
      const heard = (dir: string) => {
        const file = path.join(dir, 'heard.txt');
        return existsSync(file) && readFileSync(file, 'utf8');
      };
      const got = await until('the note typed once busy is idle', async () => heard(worktree), 30_000);
      expect(got).toContain('Use the new logger.');

      const later = await runCli(
        p.repo.dir,
        ['new', 'later', '--agent', 'typist', '-p', 'cat >> heard.txt'],
        {
          env,
        },
      );
      expect(later.code, later.stderr).toBe(0);
      const laterTree = (await snapshot(p.repo.dir)).byName.get('later')?.worktree ?? '';
      expect(
        await until('the note typed into the later session', async () => heard(laterTree), 30_000),
      ).toContain('Use the new logger.');
      const list = await cliJson<NoteList>(p.repo.dir, ['note', '--list'], env);
      expect(list.notes[0].deliveredTo.map((d) => `${d.task}:${d.via}`).sort()).toEqual([
        'busy:typed',
        'later:typed',
      ]);
    } finally {
      await server.kill();
      // The supervisor writes in .git/braid until it is down: stop it before the folder goes.
      await runCli(p.repo.dir, ['down'], { env: { ...p.env, BRAID_TMUX_SOCKET: server.socket } });
      await p.cleanup();
      ctx = null;
    }
  });
});
