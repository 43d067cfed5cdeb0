/**
 * The default-deny egress policy of a task's pod: out only to DNS, the model's API, the coordinator's
 * endpoint and the hosts braid.yaml lists. A NetworkPolicy names addresses, not hosts: the caller resolves.
 */
import { BraidError } from './errors.js';

export interface EgressTarget {
  /** A host name to resolve, or an address / CIDR as written. */
  host: string;
  port: number;
}

/** One peer of the policy: an address block and a TCP port. */
export interface EgressPeer {
  cidr: string;
  port: number;
}

const DEFAULT_PORT = 443;

/** `host`, `host:port`, `10.0.0.0/8`, `10.0.0.0/8:5432` or `[::1]:443` from `kubernetes.egress`. */
export function parseEgressEntry(entry: string): EgressTarget {
  const text = entry.trim();
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[2] ? Number(m[2]) : DEFAULT_PORT;
  if (!m || port < 1 || port > 65535)
    throw new BraidError(
      'E_CONFIG',
      `kubernetes.egress: '${entry}' is not HOST[:PORT] or CIDR[:PORT]`,
      'Write entries like registry.npmjs.org, pypi.org:443 or 10.0.0.0/8:5432.',
    );
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** The model API an agent talks to: its base-URL variable when the pod gets one, else the vendor's host. */
export function modelApiTarget(agent: string, env: Readonly<Record<string, string>>): EgressTarget | null {
  const base =
    agent === 'claude' ? env.ANTHROPIC_BASE_URL : agent === 'codex' ? env.OPENAI_BASE_URL : undefined;
  if (base) return urlTarget(base);
  if (agent === 'claude') return { host: 'api.anthropic.com', port: DEFAULT_PORT };
  if (agent === 'codex') return { host: 'api.openai.com', port: DEFAULT_PORT };
  return null;
}

/** The host and port of an http(s) URL. */
function urlTarget(url: string): EgressTarget {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === 'http:' ? 80 : DEFAULT_PORT;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Everything a pod may reach, without duplicates: the model's API, the endpoint, then braid.yaml's list. */
export function egressTargets(
  model: EgressTarget | null,
  endpoint: string,
  listed: readonly string[],
): EgressTarget[] {
  const all = [...(model ? [model] : []), urlTarget(endpoint), ...listed.map(parseEgressEntry)];
  const seen = new Set<string>();
  return all.filter((t) => {
    const key = `${t.host.toLowerCase()}:${t.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An address as a CIDR block (a bare address is one host); null when the text is a host name. */
export function asCidr(host: string): string | null {
  const [addr, bits] = host.split('/');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return bits ? host : `${addr}/32`;
  if (addr.includes(':')) return bits ? host : `${addr}/128`;
  return null;
}

/**
 * The task's NetworkPolicy: selects its pod by labels; Egress is its only type, so whatever the rules do not
 * allow is denied. DNS goes to any address on port 53 (the cluster's resolver), the rest to the peers given.
 */
export function egressPolicy(input: {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  peers: readonly EgressPeer[];
}): Record<string, unknown> {
  const byCidr = new Map<string, Set<number>>();
  for (const p of input.peers) byCidr.set(p.cidr, (byCidr.get(p.cidr) ?? new Set()).add(p.port));
  const rules = [...byCidr].map(([cidr, ports]) => ({
    to: [{ ipBlock: { cidr } }],
    ports: [...ports].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port })),
  }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels },
    spec: {
      podSelector: { matchLabels: input.labels },
      policyTypes: ['Egress'],
      egress: [
        {
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        ...rules,
      ],
    },
  };
}
