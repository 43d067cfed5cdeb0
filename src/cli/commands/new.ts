import type { Command } from 'commander';
import { chooseBackend } from '../../core/backend.js';
import { BraidError } from '../../core/errors.js';
import type { Task } from '../../core/task.js';
import { sessionCwd } from '../../core/workdir.js';
import { provisionTask } from '../../isolate/workspace/provision.js';
import { createReadonlyTask } from '../../isolate/workspace/readonly.js';
import { startOrHold } from '../../orchestrate/limits.js';
import { ensureSupervisor } from '../../orchestrate/supervisor/control.js';
import { type Project, withProject } from '../../project/project.js';
import { checkConfinable } from '../../run/session/confine.js';
import { checkBackendUsable } from '../../run/session/container-launch.js';
import { taskPorts } from '../../store/ports.js';
import { getTask, updateTask } from '../../store/tasks.js';
import { dim, printJson, progress } from '../output.js';

interface NewOptions {
  prompt?: string;
  agent?: string;
  base?: string;
  headless?: boolean;
  sandbox?: boolean;
  readonly?: boolean;
  needs?: string[];
  workdir?: string;
  backend?: string;
  start?: boolean;
  json?: boolean;
}

/** Starts the new task's agent; a missing agent leaves the task provisioned and says how to go on. */
async function startProvisioned(project: Project, name: string): Promise<Task> {
  try {
    // A limited agent's start waits for its reset: the supervisor makes it then.
    await startOrHold(project, name);
    return getTask(project.store, name) as Task;
  } catch (err) {
    if (!(err instanceof BraidError) || err.code !== 'E_AGENT_MISSING') throw err;
    updateTask(project.store, name, { statusDetail: 'agent not installed: start it with braid start' });
    throw new BraidError(
      err.code,
      `${err.message}; task '${name}' is provisioned but not started`,
      `${err.hint ?? ''} Then run: braid start ${name}`.trim(),
    );
  }
}

export function register(program: Command): void {
  program
    .command('new')
    .description(
      'Create a task: its own worktree, branch, dependencies, .env files and ports; then start its agent',
    )
    .argument('<name>', 'task name: lowercase letters, digits, "-" and "_", at most 40 characters')
    .option('-p, --prompt <text>', 'what the agent should do')
    .option(
      '--agent <agent>',
      'claude, codex, aider, shell, or one from braid.yaml (default: agent in braid.yaml)',
    )
    .option(
      '--base <ref>',
      'branch or commit to start from (default: base in braid.yaml, else the checked-out branch)',
    )
    .option('--headless', 'run the agent detached with its output in a log, instead of a tmux window')
    .option(
      '--sandbox',
      'run the agent in a bubblewrap sandbox: only its worktree (and what git commits need) is writable',
    )
    .option(
      '--readonly',
      'a research or review session in the main checkout, sandboxed with nothing writable',
    )
    .option(
      '--backend <backend>',
      'where the session runs: local, container or kubernetes (default: backend in braid.yaml)',
    )
    .option('--needs <names...>', 'tasks this one depends on (recorded for the plan runner)')
    .option('--workdir <dir>', "start the agent in this folder of the worktree (over braid.yaml's workdir)")
    .option('--no-start', 'only provision the workspace; start the agent later with braid start')
    .option('--json', 'print the task as JSON')
    .action(async (name: string, opts: NewOptions) => {
      await withProject(process.cwd(), async (project) => {
        // Checked before anything is made: a workdir leading outside fails here, not at the start.
        if (opts.workdir) sessionCwd(project.repo.root, opts.workdir);
        const confine = {
          sandbox: !!opts.sandbox,
          readonly: !!opts.readonly,
          ...(opts.workdir ? { workdir: opts.workdir } : {}),
        };
        const backend = chooseBackend(opts.backend, project.config.backend);
        if (backend !== 'local' && (opts.readonly || opts.sandbox))
          throw new BraidError(
            'E_USAGE',
            `--${opts.readonly ? 'readonly' : 'sandbox'} is for local sessions: a ${backend === 'container' ? 'container' : 'pod'} is its own sandbox`,
            'Drop the flag, or use --backend local.',
          );
        await checkBackendUsable(project, backend);
        if (opts.readonly && opts.base)
          throw new BraidError(
            'E_USAGE',
            '--readonly runs in the main checkout as it is, so it takes no --base',
            'Check out what you want to review in the main checkout, or drop --base.',
          );
        const notes = await checkConfinable(project, confine);
        for (const note of notes) progress(`note: ${note}`);
        let task = opts.readonly
          ? await createReadonlyTask(project, {
              name,
              agent: opts.agent,
              prompt: opts.prompt,
              headless: opts.headless,
              options: confine,
            })
          : await provisionTask(project, {
              name,
              base: opts.base,
              agent: opts.agent,
              prompt: opts.prompt,
              headless: opts.headless,
              needs: opts.needs,
              options: { ...confine, backend },
              onProgress: opts.json ? undefined : (m) => progress(dim(`${name}: ${m}`)),
            });
        if (opts.start !== false) {
          task = await startProvisioned(project, name);
          await ensureSupervisor(project);
        }
        const ports = taskPorts(project.store, name);
        if (opts.json) return printJson({ task: { ...task, ports } });
        process.stdout.write(`created ${name} in ${task.worktree}\n`);
        if (opts.readonly)
          process.stdout.write(dim('  read-only in the main checkout: no worktree, branch or ports\n'));
        else
          process.stdout.write(
            dim(`  branch ${task.branch} from ${task.base}; ports ${JSON.stringify(ports)}\n`),
          );
        if (opts.start === false) process.stdout.write(dim(`  start its agent with: braid start ${name}\n`));
        if (task.status === 'limited')
          process.stdout.write(
            `  ${task.agent} is at its usage limit: ${task.statusDetail}; it starts then\n`,
          );
      });
    });
}
