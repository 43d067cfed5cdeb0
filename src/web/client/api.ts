/** The client's side of the wire contract (../protocol.ts): typed GETs, POSTs and server-sent events. */
import type { ApiError, ApiGet, ApiOk, ApiPost, DashboardEvents } from '../protocol.js';

/** A route key of the contract as a URL: `<name>` becomes the URI-encoded task name. */
function urlOf(route: string, name?: string): string {
  return name === undefined ? route : route.replace('<name>', () => encodeURIComponent(name));
}

/** The route's JSON answer, or null when the server refused it (e.g. the task is gone). */
export async function getJson<K extends keyof ApiGet>(route: K, name?: string): Promise<ApiGet[K] | null> {
  const res = await fetch(urlOf(route, name));
  if (!res.ok) return null;
  return (await res.json()) as ApiGet[K];
}

/** POSTs the body; a refusal throws with the server's message and hint. */
export async function post<K extends keyof ApiPost>(
  route: K,
  body: ApiPost[K]['body'],
  name?: string,
): Promise<ApiPost[K]['result']> {
  const res = await fetch(urlOf(route, name), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as Partial<ApiError & ApiOk<ApiPost[K]['result']>>;
  if (!res.ok) {
    const e = data.error;
    throw new Error((e?.message || res.statusText) + (e?.hint ? `\n${e.hint}` : ''));
  }
  return data.result as ApiPost[K]['result'];
}

/** Calls `handler` with each event of that name on the live feed. */
export function onEvent<K extends keyof DashboardEvents>(
  source: EventSource,
  name: K,
  handler: (data: DashboardEvents[K]) => void,
): void {
  source.addEventListener(name, (e) => handler(JSON.parse((e as MessageEvent<string>).data)));
}
