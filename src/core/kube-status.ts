/** A pod's state as braid reads it: running or ended, and the agent container's exit code. */

interface ContainerStatus {
  name: string;
  state?: {
    running?: unknown;
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode?: number; reason?: string };
  };
}

/** The subset of a Pod object braid reads. */
export interface PodObject {
  metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string };
  /** Its containers' environment: what the pod was told of its keeper. */
  spec?: { containers?: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    message?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface PodState {
  /** Not ended: pending (fetching the repository, pulling the image) or running. */
  alive: boolean;
  /** The agent's exit code once it ended; null while alive or when the agent never ran. */
  exitCode: number | null;
  /** Why it ended before the agent ran, or why it waits (an image that cannot be pulled…). */
  problem: string | null;
}

const STUCK = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError'];

export function podState(pod: PodObject, container = 'agent'): PodState {
  const phase = pod.status?.phase ?? 'Pending';
  const agent = pod.status?.containerStatuses?.find((c) => c.name === container);
  const code = agent?.state?.terminated?.exitCode;
  const failedInit = pod.status?.initContainerStatuses?.find(
    (c) => (c.state?.terminated?.exitCode ?? 0) !== 0,
  );
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((c) => c.state?.waiting)
    .find((w) => w?.reason && STUCK.includes(w.reason));
  const problem = failedInit
    ? `the step '${failedInit.name}' failed (exit ${failedInit.state?.terminated?.exitCode})`
    : waiting
      ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`
      : phase === 'Failed' && code === undefined
        ? (pod.status?.message ?? 'the pod failed')
        : null;
  const ended = phase === 'Succeeded' || phase === 'Failed' || code !== undefined;
  return { alive: !ended, exitCode: code ?? null, problem };
}

/** `k=v,k2=v2` for a labelSelector query. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
