/** `braid ui`'s loop: show the dashboard; to attach, leave ink, hand the terminal to the session, come back. */
import { render } from 'ink';
import { BraidError } from '../core/errors.js';
import { exitCodeOf, runInherited } from '../exec/inherit.js';
import type { Project } from '../project/project.js';
import { App, type Leave } from './App.js';
import { projectData } from './data.js';

export interface DashboardOptions {
  refreshMs?: number;
}

export async function runDashboard(project: Project, options: DashboardOptions = {}): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new BraidError(
      'E_USAGE',
      'braid ui needs an interactive terminal',
      'Run it in a terminal; scripts can use braid ls --json.',
    );
  const data = projectData(project);
  let selected: string | null = null;
  let message: string | null = null;
  for (;;) {
    const left: { value: Leave } = { value: { kind: 'quit' } };
    const instance = render(
      <App
        data={data}
        refreshMs={options.refreshMs}
        initialSelected={selected}
        initialMessage={message}
        onLeave={(leave) => {
          left.value = leave;
        }}
      />,
    );
    await instance.waitUntilExit();
    const leave = left.value;
    if (leave.kind === 'quit') return;
    selected = leave.selected;
    const [command, ...args] = leave.target.argv;
    // ink leaves stdin reading; paused, every key goes to the session instead of half of them to us.
    process.stdin.pause();
    // The session owns the terminal until the user detaches; then the dashboard comes back.
    const { cwd, env, switches } = leave.target;
    const res = await runInherited(command, args, { cwd, env });
    // Start the next frame on a clean screen: the session left its own output behind.
    process.stdout.cursorTo(0, 0);
    process.stdout.clearScreenDown();
    const back = switches
      ? `${selected} is shown in this tmux client; prefix + L (last session) comes back here`
      : null;
    message = res.code === 0 ? back : `attach to ${selected} ended with exit code ${exitCodeOf(res)}`;
  }
}
