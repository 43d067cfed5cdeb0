/** The cluster the Kubernetes backend talks to: its kubeconfig context and server, and its version if it answers. */
import { KubeClient, loadKubeTarget } from '../runtime/kubernetes/client.js';

export interface ClusterInfo {
  context: string;
  server: string;
  /** The server's version, or why it did not answer. */
  version: string | Error;
}

/** Throws E_BACKEND when no kubeconfig names the context. */
export async function kubeClusterInfo(
  context: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ClusterInfo> {
  const target = loadKubeTarget(context, env);
  const client = new KubeClient(target);
  try {
    const version = await client
      .request<{ gitVersion?: string }>('GET', '/version')
      .then((v) => v.gitVersion ?? 'unknown version')
      .catch((err: Error) => err);
    return { context: target.context, server: target.server, version };
  } finally {
    client.close();
  }
}
