/** The buttons of a task (stop, land, rm) and of the queue: every action asks first, none is undoable from here. */
import type { TaskView } from '../protocol.js';
import { post } from './api.js';
import { pageConfig } from './config.js';
import { byId, el } from './dom.js';

/** Asks, then runs; a refusal shows in #error with the server's message and hint. */
async function act(label: string, run: () => Promise<unknown>): Promise<void> {
  if (!confirm(`${label}?`)) return;
  byId('error').textContent = '';
  try {
    await run();
  } catch (err) {
    byId('error').textContent = `${label} failed: ${(err as Error).message}`;
  }
}

export function landQueue(): Promise<void> {
  return act('Process the merge queue', () => post('/api/land', {}));
}

export function actionButtons(t: TaskView): HTMLButtonElement[] {
  const button = (action: string, label: string, onClick: () => void) => {
    const b = el('button', label);
    b.dataset.action = action;
    b.onclick = onClick;
    return b;
  };
  // A finished task has no session left: no stop button (core/task.ts canStop).
  const stop = pageConfig.nothingToStop.includes(t.status)
    ? []
    : [
        button('stop', 'stop', () =>
          act(`Stop the agent of ${t.name}`, () => post('/api/tasks/<name>/stop', {}, t.name)),
        ),
      ];
  return [
    ...stop,
    button('land', 'land', () =>
      act(`Land ${t.name} onto ${t.base}`, () => post('/api/land', { name: t.name })),
    ),
    button('rm', 'rm', () =>
      act(`Remove ${t.name} (worktree and branch)`, () => post('/api/tasks/<name>/rm', {}, t.name)),
    ),
  ];
}

/** Links to the task's ports, where its dev server would listen. */
export function portLinks(t: TaskView): Array<HTMLAnchorElement | string> {
  const out: Array<HTMLAnchorElement | string> = [];
  for (const [k, p] of Object.entries(t.ports || {})) {
    const link = el('a', `${k}:${p}`);
    link.href = `http://127.0.0.1:${Number(p)}/`;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.title = `the dev server of ${t.name}, if it runs one`;
    out.push(link, ' ');
  }
  return out;
}
