/** Which cluster and credentials a kubeconfig names for a context: pure, the reading of files is the caller's. */
import { BraidError } from './errors.js';

/** Inline data (base64, as kubeconfig writes it) or a file to read. */
export type Secretish = { data: string } | { file: string };

export interface KubeTarget {
  context: string;
  /** The API server's URL, without a trailing slash. */
  server: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
  ca?: Secretish;
  insecure: boolean;
  token?: Secretish;
  cert?: Secretish;
  key?: Secretish;
}

type Named<T> = Array<{ name?: string } & T>;
interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string; namespace?: string } }>;
  clusters?: Named<{
    cluster?: {
      server?: string;
      'certificate-authority'?: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
    };
  }>;
  users?: Named<{
    user?: {
      token?: string;
      tokenFile?: string;
      'client-certificate'?: string;
      'client-certificate-data'?: string;
      'client-key'?: string;
      'client-key-data'?: string;
      exec?: unknown;
      'auth-provider'?: unknown;
    };
  }>;
}

const HINT = 'Check `kubectl config view` and kubernetes.context in braid.yaml (docs/backends.md).';

function secretish(data: string | undefined, file: string | undefined): Secretish | undefined {
  if (data) return { data };
  if (file) return { file };
  return undefined;
}

/** Relative file paths in a kubeconfig are relative to the kubeconfig's own folder. */
function relativeTo(dir: string, s: Secretish | undefined): Secretish | undefined {
  if (!s || 'data' in s || s.file.startsWith('/')) return s;
  return { file: `${dir.replace(/\/$/, '')}/${s.file}` };
}

/** The cluster, user and namespace of `context` (else the current one) in one parsed kubeconfig. */
export function kubeTarget(raw: unknown, dir: string, context?: string): KubeTarget {
  const doc = (raw ?? {}) as KubeconfigDoc;
  const name = context ?? doc['current-context'];
  if (!name) throw new BraidError('E_BACKEND', 'the kubeconfig names no current context', HINT);
  const ctx = doc.contexts?.find((c) => c.name === name)?.context;
  if (!ctx) throw new BraidError('E_BACKEND', `the kubeconfig has no context '${name}'`, HINT);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server)
    throw new BraidError('E_BACKEND', `context '${name}': cluster '${ctx.cluster}' has no server`, HINT);
  const user = doc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if ((user.exec || user['auth-provider']) && !user.token && !user['client-certificate-data'])
    throw new BraidError(
      'E_BACKEND',
      `context '${name}': user '${ctx.user}' logs in through a plugin (exec or auth-provider), which braid does not run`,
      'Give braid a context with a token or a client certificate (e.g. a service account token), as kind and k3d write.',
    );
  return {
    context: name,
    server: cluster.server.replace(/\/+$/, ''),
    namespace: ctx.namespace,
    ca: relativeTo(dir, secretish(cluster['certificate-authority-data'], cluster['certificate-authority'])),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: relativeTo(dir, user.token ? { data: user.token } : secretish(undefined, user.tokenFile)),
    cert: relativeTo(dir, secretish(user['client-certificate-data'], user['client-certificate'])),
    key: relativeTo(dir, secretish(user['client-key-data'], user['client-key'])),
  };
}

/** The kubeconfig files to look in: each of `KUBECONFIG` (`:`-separated), else `~/.kube/config`. */
export function kubeconfigPaths(kubeconfigVar: string | undefined, home: string): string[] {
  const listed = (kubeconfigVar ?? '').split(':').filter(Boolean);
  return listed.length ? listed : [`${home.replace(/\/$/, '')}/.kube/config`];
}
