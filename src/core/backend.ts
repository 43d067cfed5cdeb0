import { BraidError } from './errors.js';

/** Where a task's session runs: this machine's tmux/headless, a container, a Kubernetes cluster. */
export const BACKEND_NAMES = ['local', 'container', 'kubernetes'] as const;
export type BackendKind = (typeof BACKEND_NAMES)[number];

function isBackend(wish: unknown): wish is BackendKind {
  return (BACKEND_NAMES as readonly unknown[]).includes(wish);
}

/** The task's backend: `--backend`, else the plan task's, else braid.yaml's. */
export function chooseBackend(...wishes: Array<string | undefined>): BackendKind {
  const wish = wishes.find((w) => w !== undefined) ?? 'local';
  if (isBackend(wish)) return wish;
  throw new BraidError(
    'E_USAGE',
    `'${wish}' is not a backend`,
    `Choose one of: ${BACKEND_NAMES.join(', ')}.`,
  );
}

/** The backend recorded with a task at `braid new` (tasks from before backends are local). */
export function backendOfOptions(options: Record<string, unknown>): BackendKind {
  return isBackend(options.backend) ? options.backend : 'local';
}
