/** Where a pod's keeper listens on this machine, and the URL the pod is given for it. */

export interface EndpointSettings {
  /** `kubernetes.endpoint`: the URL pods reach braid at. */
  endpoint?: string;
  /** `kubernetes.listen`: the address to listen on. */
  listen?: string;
}

/**
 * The keeper's address: `listen`, else the endpoint's host (kind: the bridge's gateway, an address of this
 * machine), else 127.0.0.1; its port: the endpoint's when it names one (a tunnel's fixed port), else any free one.
 */
export function endpointListen(k: EndpointSettings): { host: string; port: number } {
  const url = k.endpoint ? new URL(k.endpoint) : null;
  const host = k.listen ?? url?.hostname.replace(/^\[|\]$/g, '') ?? '127.0.0.1';
  return { host, port: k.endpoint ? (writtenPort(k.endpoint) ?? 0) : 0 };
}

/** The port as written in the URL (URL drops a scheme's default one, which still counts when written). */
function writtenPort(url: string): number | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^/:]*):(\d+)/i.exec(url);
  return m ? Number(m[1]) : null;
}

/** The URL a pod is given: the configured one (with the keeper's port when it names none), else the keeper's own. */
export function podEndpointBase(configured: string | undefined, listening: string): string {
  if (!configured) return listening;
  const url = new URL(configured);
  if (writtenPort(configured) === null) url.port = new URL(listening).port;
  return url.toString().replace(/\/+$/, '');
}
