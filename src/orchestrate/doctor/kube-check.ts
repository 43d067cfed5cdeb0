/** `braid doctor` with the Kubernetes backend configured: which context and server, and whether it answers. */
import type { BraidConfig } from '../../core/config.js';
import { kubeClusterInfo } from '../../run/session/kube-cluster.js';

/** Null when nothing of kubernetes: is set and no task defaults to it. */
export async function kubeCheck(
  config: BraidConfig,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; detail: string; hint: string | null } | null> {
  const k = config.kubernetes;
  if (config.backend !== 'kubernetes' && !k.image && !k.context) return null;
  try {
    const info = await kubeClusterInfo(k.context, env);
    const where = `context ${info.context}, ${info.server}, namespace ${k.namespace}`;
    if (info.version instanceof Error)
      return {
        ok: false,
        detail: `${where}: ${info.version.message}`,
        hint: 'Check the cluster: kubectl cluster-info.',
      };
    const image = k.image ? `image ${k.image}` : 'no kubernetes.image';
    return {
      ok: !!k.image,
      detail: `${where} (Kubernetes ${info.version}); ${image}`,
      hint: 'Set kubernetes.image in braid.yaml.',
    };
  } catch (err) {
    const e = err as Error & { hint?: string };
    return { ok: false, detail: e.message, hint: e.hint ?? null };
  }
}
