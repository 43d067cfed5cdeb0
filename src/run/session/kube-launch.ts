/** From braid.yaml and the task to what the Kubernetes backend runs: the pod's names, checkout, hooks, endpoint. */
import path from 'node:path';
import { containerEnv } from '../../core/container-args.js';
import { BraidError } from '../../core/errors.js';
import { modelApiTarget } from '../../core/kube-egress.js';
import { endpointListen } from '../../core/kube-endpoint.js';
import {
  kubeAnnotations,
  kubeLabels,
  kubePodName,
  POD_SETTINGS_FILE,
  podHookCommand,
} from '../../core/kube-manifest.js';
import type { Task } from '../../core/task.js';
import type { Project } from '../../project/project.js';
import { claudeSettingsWith } from '../agents/claude-settings.js';
import type { KubeLaunch } from '../runtime/backend.js';
import { loadKubeTarget } from '../runtime/kubernetes/client.js';

/** Where the task's checkout is in the pod: under the pod's work folder, by the repository's name. */
function podCheckout(repoName: string): string {
  const safe = repoName.replace(/[^A-Za-z0-9._-]/g, '-') || 'repo';
  return `/work/${safe}`;
}

/** The agent starts at the pod's checkout: a workdir below the worktree is not carried into pods yet. */
function podWorkdir(project: Project, task: Task, cwd: string): string {
  if (path.resolve(cwd) !== path.resolve(task.worktree))
    throw new BraidError(
      'E_USAGE',
      `task '${task.name}' has a workdir, which the kubernetes backend does not support yet`,
      'Drop the workdir for this task, or run it on the local or container backend.',
    );
  return podCheckout(project.repo.name);
}

/** The agent's settings in the pod: braid's hooks post to the endpoint; the file is written in the pod. */
export function podAgentSettings(task: string): { path: string; settings: Record<string, unknown> } {
  return { path: POD_SETTINGS_FILE, settings: claudeSettingsWith(task, podHookCommand) };
}

/** The pod's environment: the task's variables and only what `kubernetes.env` lets in. */
export function kubeSessionEnv(
  project: Project,
  taskEnv: Record<string, string>,
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return containerEnv(project.config.kubernetes.env, host, taskEnv);
}

/** Before anything is created: an image, and a kubeconfig that names the cluster (throws E_CONFIG / E_BACKEND). */
export function checkKubeUsable(project: Project): void {
  const k = project.config.kubernetes;
  if (!k.image) throw noImage();
  loadKubeTarget(k.context);
}

function noImage(): BraidError {
  return new BraidError(
    'E_CONFIG',
    'the kubernetes backend needs kubernetes.image in braid.yaml',
    'Set kubernetes.image to an image with node, git, tmux and the agent CLIs (docs/backends.md).',
  );
}

export function kubeLaunch(
  project: Project,
  task: Task,
  opts: { cwd: string; settings: Record<string, unknown> | null; env: Record<string, string> },
): KubeLaunch {
  const { repo, config } = project;
  const k = config.kubernetes;
  if (!k.image) throw noImage();
  const listen = endpointListen(k);
  const limits = config.limits;
  return {
    context: k.context,
    namespace: k.namespace,
    image: k.image,
    podName: kubePodName(repo.name, repo.commonDir, task.name),
    labels: kubeLabels(repo.name, repo.commonDir, task.name),
    annotations: kubeAnnotations(repo.commonDir),
    repoRoot: repo.root,
    worktree: task.worktree,
    branch: task.branch,
    base: task.baseCommit,
    workdir: podWorkdir(project, task, opts.cwd),
    settings: opts.settings,
    listenHost: listen.host,
    listenPort: listen.port,
    publicUrl: k.endpoint,
    egress: k.egress,
    modelApi: modelApiTarget(task.agent, opts.env),
    limits: limits && { memory: limits.memory, cpu: limits.cpu },
  };
}
