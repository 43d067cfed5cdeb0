/** `braid gc`: pods (and their egress policies) labelled with this repository whose task is gone. */
import { kubeLabels } from '../../core/kube-manifest.js';
import type { Project } from '../../project/project.js';
import { listTasks } from '../../store/tasks.js';
import { KubeClient, loadKubeTarget } from '../runtime/kubernetes/client.js';
import { deletePod, deletePolicy, listPods } from '../runtime/kubernetes/pods.js';

export interface RemovedPod {
  name: string;
  task: string;
}

/** None when kubernetes: is not configured or the cluster cannot be reached: gc never fails for a cluster. */
export async function removeOrphanPods(
  project: Project,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RemovedPod[]> {
  const { config, repo } = project;
  const k = config.kubernetes;
  if (config.backend !== 'kubernetes' && !k.image && !k.context) return [];
  let kube: KubeClient;
  try {
    kube = new KubeClient(loadKubeTarget(k.context, env));
  } catch {
    return [];
  }
  try {
    const repoLabel = kubeLabels(repo.name, repo.commonDir, '');
    const selector = { 'braid.dev/repo': repoLabel['braid.dev/repo'] };
    const tasks = new Set(listTasks(project.store).map((t) => t.name));
    const removed: RemovedPod[] = [];
    for (const pod of await listPods(kube, k.namespace, selector)) {
      const task = pod.metadata.labels?.['braid.dev/task'] ?? '';
      if (tasks.has(task)) continue;
      await deletePod(kube, k.namespace, pod.metadata.name);
      // A task's policy has its pod's name.
      await deletePolicy(kube, k.namespace, pod.metadata.name);
      removed.push({ name: pod.metadata.name, task });
    }
    return removed;
  } catch {
    return [];
  } finally {
    kube.close();
  }
}
