/**
 * The sandbox's network allow-list: `example.com` allows exactly that host, `*.example.com` its
 * subdomains (not the bare domain). Case and a trailing dot do not matter; IP addresses must be listed as-is.
 */
export function isHostAllowed(host: string, allow: readonly string[]): boolean {
  const h = normalize(host);
  if (!h) return false;
  return allow.some((pattern) => {
    const p = normalize(pattern);
    if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
    return h === p;
  });
}

function normalize(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** `host:port` of a CONNECT request target (IPv6 in brackets); null when malformed. */
export function parseConnectTarget(target: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(target);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}
