import { BraidError } from './errors.js';

/** Where a task's session runs: this machine's tmux/headless, a container, (later) a cluster. */
export const BACKEND_NAMES = ['local', 'container', 'kubernetes'] as const;
/** The backends braid can run today. */
export type BackendKind = 'local' | 'container';

/** The task's backend: `--backend`, else the plan task's, else braid.yaml's; refuses what is not built. */
export function chooseBackend(...wishes: Array<string | undefined>): BackendKind {
  const wish = wishes.find((w) => w !== undefined) ?? 'local';
  if (wish === 'local' || wish === 'container') return wish;
  if (wish === 'kubernetes')
    throw new BraidError(
      'E_BACKEND',
      'the kubernetes backend is not built yet',
      'Use --backend container (podman or docker) or local; see docs/backends.md.',
    );
  throw new BraidError(
    'E_USAGE',
    `'${wish}' is not a backend`,
    `Choose one of: ${BACKEND_NAMES.filter((b) => b !== 'kubernetes').join(', ')}.`,
  );
}

/** The backend recorded with a task at `braid new` (tasks from before backends are local). */
export function backendOfOptions(options: Record<string, unknown>): BackendKind {
  return options.backend === 'container' ? 'container' : 'local';
}
