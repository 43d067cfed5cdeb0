/** Pods and their egress policies through the API: create, read, list by label, watch, logs, delete. */
import { labelSelector, type PodObject } from '../../../core/kube-status.js';
import type { ExecResult, KubeClient, WatchEvent } from './client.js';

const podsPath = (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
const podPath = (ns: string, name: string) => `${podsPath(ns)}/${encodeURIComponent(name)}`;
const policiesPath = (ns: string) =>
  `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/networkpolicies`;

export function createPod(
  kube: KubeClient,
  ns: string,
  manifest: Record<string, unknown>,
): Promise<PodObject> {
  return kube.request<PodObject>('POST', podsPath(ns), manifest);
}

export function getPod(kube: KubeClient, ns: string, name: string): Promise<PodObject | null> {
  return kube.get<PodObject>(podPath(ns, name));
}

export async function listPods(
  kube: KubeClient,
  ns: string,
  labels: Record<string, string>,
): Promise<PodObject[]> {
  const res = await kube.request<{ items?: PodObject[] }>(
    'GET',
    `${podsPath(ns)}?labelSelector=${encodeURIComponent(labelSelector(labels))}`,
  );
  return res.items ?? [];
}

/** Deletes the pod now (no grace period: the agent's work went back before it ended, or is lost on purpose). */
export function deletePod(kube: KubeClient, ns: string, name: string, graceSeconds = 0): Promise<void> {
  return kube.remove(`${podPath(ns, name)}?gracePeriodSeconds=${graceSeconds}`);
}

/** Waits, by watching the one pod, until `until` holds for it; a deleted pod is `null`. */
export function watchPod<R>(
  kube: KubeClient,
  ns: string,
  name: string,
  until: (pod: PodObject | null) => R | undefined,
  signal?: AbortSignal,
): Promise<R> {
  const field = encodeURIComponent(`metadata.name=${name}`);
  return kube.watch<PodObject, R>(
    `${podsPath(ns)}?fieldSelector=${field}`,
    (e: WatchEvent<PodObject>) => until(e.type === 'DELETED' ? null : e.object),
    signal,
  );
}

/** The log query's `sinceTime` (RFC 3339, whole seconds as the API takes it). */
const since = (time: string | undefined) =>
  time ? `&sinceTime=${encodeURIComponent(new Date(time).toISOString().replace(/\.\d+Z$/, 'Z'))}` : '';

/** The last `tail` lines of a container's log. */
export async function podLogTail(
  kube: KubeClient,
  ns: string,
  name: string,
  container: string,
  tail: number,
  sinceTime?: string,
): Promise<string> {
  const res = await kube.logStream(
    `${podPath(ns, name)}/log?container=${container}&tailLines=${tail}${since(sinceTime)}`,
  );
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A container's log as it is written, until it ends or `signal` aborts; from `sinceTime` (ISO) when given. */
export function followPodLog(
  kube: KubeClient,
  ns: string,
  name: string,
  container: string,
  signal?: AbortSignal,
  sinceTime?: string,
) {
  return kube.logStream(
    `${podPath(ns, name)}/log?container=${container}&follow=true${since(sinceTime)}`,
    signal,
  );
}

export async function applyPolicy(
  kube: KubeClient,
  ns: string,
  policy: Record<string, unknown>,
): Promise<void> {
  const name = (policy.metadata as { name: string }).name;
  await kube.remove(`${policiesPath(ns)}/${encodeURIComponent(name)}`);
  await kube.request('POST', policiesPath(ns), policy);
}

export function deletePolicy(kube: KubeClient, ns: string, name: string): Promise<void> {
  return kube.remove(`${policiesPath(ns)}/${encodeURIComponent(name)}`);
}

/** A command in the pod's container (attach and send go through this), its stdin sent and closed. */
export function execInPod(
  kube: KubeClient,
  ns: string,
  name: string,
  container: string,
  command: string[],
  stdin?: string,
): Promise<ExecResult> {
  return kube.exec(`${podPath(ns, name)}/exec?container=${encodeURIComponent(container)}`, command, stdin);
}
