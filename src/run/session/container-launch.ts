/** From braid.yaml and the task to what the container backend runs: mounts, ports, limits, environment. */
import path from 'node:path';
import type { BackendKind } from '../../core/backend.js';
import {
  containerEnv,
  containerLabels,
  containerName,
  type Mount,
  parseMountSpec,
} from '../../core/container-args.js';
import { BraidError } from '../../core/errors.js';
import type { Task } from '../../core/task.js';
import { PACKAGE_ROOT } from '../../exec/built.js';
import type { Project } from '../../project/project.js';
import { taskPortBlock } from '../../store/ports.js';
import type { ContainerLaunch } from '../runtime/backend.js';
import { detectEngine } from '../runtime/container/engine.js';
import { checkKubeUsable } from './kube-launch.js';

/** braid's hook command inside a container: its install is mounted at the same path, node is the image's. */
export function containerBraidCommand(main: string): string[] {
  return ['node', main];
}

export function containerLaunch(project: Project, task: Task): ContainerLaunch {
  const { repo, config } = project;
  const c = config.container;
  const resolve = (p: string) => path.resolve(repo.root, p);
  const mounts: Mount[] = [
    { source: task.worktree, target: task.worktree, readonly: false },
    // The worktree's .git file points here; hooks reach braid's store here too.
    { source: repo.commonDir, target: repo.commonDir, readonly: false },
    { source: PACKAGE_ROOT, target: PACKAGE_ROOT, readonly: true },
    ...c.mounts.map((m) => parseMountSpec(m, resolve)),
  ];
  const limits = config.limits;
  return {
    engine: c.engine,
    image: c.image,
    rootfs: c.rootfs ? resolve(c.rootfs) : undefined,
    runtime: c.runtime,
    extraArgs: c.args,
    mounts,
    ports: taskPortBlock(project.store, task.name),
    limits: limits && { memory: limits.memory, cpu: limits.cpu, pids: limits.pids },
    labels: containerLabels(repo.commonDir, task.name),
    name: containerName(repo.name, repo.commonDir, task.name),
  };
}

/** The session's environment inside the container: the task's, and only what `container.env` lets in. */
export function containerSessionEnv(
  project: Project,
  taskEnv: Record<string, string>,
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return containerEnv(project.config.container.env, host, taskEnv);
}

/** Before anything is created: a container needs an engine and an image (or a root filesystem); a pod, its cluster. */
export async function checkBackendUsable(project: Project, kind: BackendKind): Promise<void> {
  if (kind === 'kubernetes') return checkKubeUsable(project);
  if (kind !== 'container') return;
  const c = project.config.container;
  if (!c.image === !c.rootfs)
    throw new BraidError(
      'E_CONFIG',
      'the container backend needs exactly one of container.image and container.rootfs in braid.yaml',
      'Build an image with the agent CLIs (docs/backends.md has a Containerfile) and set container.image.',
    );
  await detectEngine(c.engine);
}
