/** The Kubernetes backend's decisions, as data: the pod of a task, its egress policy, names and labels. */
import { containerCommand, fnv1a } from './container-args.js';
import { BraidError } from './errors.js';
import type { PodObject } from './kube-status.js';
import { parseSize } from './size.js';

/** Labels `braid gc` selects a repository's pods by (values are label-safe: no paths). */
const REPO_LABEL = 'braid.dev/repo';
const TASK_LABEL = 'braid.dev/task';
/** The repository's git common dir in full (a label value cannot hold a path). */
const REPO_PATH_ANNOTATION = 'braid.dev/repo-path';
/** The work folder every pod shares between its init step and the agent (an emptyDir, never a host path). */
const POD_WORK_DIR = '/work';
const BUNDLE_FILE = `${POD_WORK_DIR}/in.bundle`;
const OUT_BUNDLE_FILE = `${POD_WORK_DIR}/out.bundle`;
/** The agent's settings (Claude Code's hooks), written from BRAID_AGENT_SETTINGS before the agent starts. */
export const POD_SETTINGS_FILE = `${POD_WORK_DIR}/agent-settings.json`;
/** The agent's pid in its container: `braid stop` ends the agent by it, and the pod sends the work back. */
const POD_AGENT_PID_FILE = `${POD_WORK_DIR}/agent.pid`;
/** What `braid stop` runs in the pod (through exec): TERM to the agent alone. */
export const POD_STOP_AGENT = ['sh', '-c', `kill -TERM "$(cat ${POD_AGENT_PID_FILE})"`];

/**
 * A pod's hook command (a shell string, as Claude Code runs hooks): the payload posted to braid's endpoint with
 * the task's token, the answer (notes, radar findings as hook JSON) printed back; it never fails the agent.
 */
export function podHookCommand(event: string): string {
  if (!/^[A-Za-z]+$/.test(event)) throw new BraidError('E_USAGE', `'${event}' is not a hook event name`);
  const script = [
    'const c = [];',
    'process.stdin.on("data", (d) => c.push(d)).on("end", () =>',
    ' fetch(process.env.BRAID_ENDPOINT + "/hook/" + process.argv[1], { method: "POST",',
    '  headers: { authorization: "Bearer " + process.env.BRAID_TOKEN }, body: Buffer.concat(c),',
    '  signal: AbortSignal.timeout(8000) })',
    ' .then((r) => (r.ok ? r.text() : "")).then((t) => { if (t) process.stdout.write(t); }).catch(() => {}));',
  ].join('');
  return `node -e '${script}' ${event}`;
}

/** A repository's label value: its name and a hash of its git common dir, ≤ 63 label-safe characters. */
function kubeRepoLabel(repoName: string, commonDir: string): string {
  const slug =
    repoName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'repo';
  return `${slug}-${fnv1a(commonDir).toString(16).padStart(8, '0')}`;
}

/** Labels of a task's pod and its policy. */
export function kubeLabels(repoName: string, commonDir: string, task: string): Record<string, string> {
  return { [REPO_LABEL]: kubeRepoLabel(repoName, commonDir), [TASK_LABEL]: task };
}

/** Annotations of a task's pod: what a label value cannot hold. */
export function kubeAnnotations(commonDir: string): Record<string, string> {
  return { [REPO_PATH_ANNOTATION]: commonDir };
}

/** A DNS-1123 pod name, ≤ 63 characters: `_` in a task name becomes `-`, with a hash so `a_b` and `a-b` differ. */
export function kubePodName(repoName: string, commonDir: string, task: string): string {
  const repo = fnv1a(`${repoName}\0${commonDir}`).toString(16).padStart(8, '0');
  const base = task.replace(/_/g, '-');
  const suffix = base === task ? '' : `-${fnv1a(task).toString(16).slice(0, 6)}`;
  return `braid-${repo}-${base}${suffix}`.slice(0, 63).replace(/-+$/, '');
}

export interface KubeLimits {
  memory?: string;
  cpu?: number;
}

export interface PodInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  image: string;
  mode: 'tmux' | 'headless';
  argv: string[];
  /** Every variable the pod gets: nothing else of the host's goes in. */
  env: Record<string, string>;
  /** The task's checkout inside the pod (under POD_WORK_DIR). */
  workdir: string;
  branch: string;
  /** The base commit: what comes back is the branch's commits since it. */
  base: string;
  /** The coordinator's endpoint for this task (bundle in, bundle out, hooks). */
  endpoint: string;
  token: string;
  limits?: KubeLimits;
  /** The agent's settings file's text (written to POD_SETTINGS_FILE in the pod), when it takes one. */
  settings?: string;
}

/**
 * The init step: fetch the repository's bundle from the coordinator (the per-task token as a bearer) and
 * clone the task's branch from it. node is the HTTP client: every agent image has it, not every one has curl.
 */
const FETCH_BUNDLE = [
  'set -e',
  `node -e 'fetch(process.env.BRAID_ENDPOINT + "/bundle", { headers: { authorization: "Bearer " + process.env.BRAID_TOKEN } }).then(async (r) => { if (!r.ok) throw new Error("the bundle: HTTP " + r.status); require("fs").writeFileSync("${BUNDLE_FILE}", Buffer.from(await r.arrayBuffer())); }).catch((e) => { console.error(e.message); process.exit(1); })'`,
  `git clone -q --branch "$BRAID_BRANCH" "${BUNDLE_FILE}" "$BRAID_WORKDIR"`,
  `rm -f "${BUNDLE_FILE}"`,
].join('\n');

/**
 * After the agent: the branch's new commits since the base as a bundle, posted to the coordinator, which
 * fetches it into refs/braid/incoming/<task>. The agent's own exit code is the pod's.
 */
const SEND_BUNDLE = [
  'cd "$BRAID_WORKDIR"',
  'if [ -n "$(git rev-list -1 "$BRAID_BASE..$BRAID_BRANCH" 2>/dev/null)" ]; then',
  `  git bundle create -q "${OUT_BUNDLE_FILE}" "$BRAID_BRANCH" "^$BRAID_BASE" &&`,
  `  node -e 'fetch(process.env.BRAID_ENDPOINT + "/bundle", { method: "POST", headers: { authorization: "Bearer " + process.env.BRAID_TOKEN }, body: require("fs").readFileSync("${OUT_BUNDLE_FILE}") }).then((r) => { if (!r.ok) throw new Error("sending the work: HTTP " + r.status); }).catch((e) => { console.error(e.message); process.exit(1); })'`,
  'fi',
].join('\n');

/** The agent container's command: the agent (alone, or in tmux under the recorder), then its work sent back. */
function podCommand(mode: 'tmux' | 'headless', argv: string[]): string[] {
  // Headless output goes straight to the pod's log; the pod's exit code is the agent's.
  const inner = mode === 'tmux' ? containerCommand(mode, argv) : argv;
  const settings = `if [ -n "$BRAID_AGENT_SETTINGS" ]; then printf '%s' "$BRAID_AGENT_SETTINGS" > "${POD_SETTINGS_FILE}"; fi`;
  // The agent in the background with its pid on file, so a stop can end the agent alone and this script still
  // sends the work back. Its stdin is the terminal (a tmux client needs it): sh gives a background job /dev/null
  // before its own redirections, so the terminal goes through fd 3 (`0<&0` would be /dev/null already).
  const run = ['exec 3<&0', '"$@" 0<&3 3<&- &', `echo "$!" > "${POD_AGENT_PID_FILE}"`, 'wait "$!"'];
  const script = [settings, ...run, 'code=$?', SEND_BUNDLE, 'exit "$code"'].join('\n');
  return ['sh', '-c', script, 'braid-pod', ...inner];
}

/** Kubernetes quantities: memory in bytes (binary units as braid.yaml writes them), CPU in millicores. */
export function kubeResources(limits: KubeLimits | undefined): { limits?: Record<string, string> } {
  const out: Record<string, string> = {};
  if (limits?.memory) out.memory = String(parseSize(limits.memory));
  if (limits?.cpu) out.cpu = `${Math.max(1, Math.round(limits.cpu * 1000))}m`;
  return Object.keys(out).length ? { limits: out } : {};
}

function envList(env: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.entries(env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name))
      throw new BraidError('E_CONFIG', `the variable ${name} cannot be passed to a pod`, 'Rename it.');
    return { name, value };
  });
}

/**
 * The task's pod: one agent container after one init step, sharing an emptyDir; no service-account token,
 * no host paths, no service links, limits from braid.yaml, and only the environment given.
 */
export function podManifest(input: PodInput): Record<string, unknown> {
  if (!input.image)
    throw new BraidError(
      'E_CONFIG',
      'the kubernetes backend needs kubernetes.image in braid.yaml',
      'Set kubernetes.image to an image with node, git, tmux and the agent CLIs (docs/backends.md).',
    );
  const env = envList({
    TERM: 'xterm-256color',
    ...input.env,
    BRAID_ENDPOINT: input.endpoint,
    BRAID_TOKEN: input.token,
    BRAID_BRANCH: input.branch,
    BRAID_BASE: input.base,
    BRAID_WORKDIR: input.workdir,
    ...(input.settings ? { BRAID_AGENT_SETTINGS: input.settings } : {}),
    // Only the recorder around tmux reads these: the pod's log is its terminal, its exit code the agent's.
    BRAID_LOG: '/dev/null',
    BRAID_EXIT_FILE: `${POD_WORK_DIR}/exit.json`,
  });
  const volumeMounts = [{ name: 'work', mountPath: POD_WORK_DIR }];
  const securityContext = { allowPrivilegeEscalation: false };
  const tty = input.mode === 'tmux';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: input.labels,
      annotations: input.annotations,
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        {
          name: 'fetch',
          image: input.image,
          command: ['sh', '-c', FETCH_BUNDLE],
          env,
          volumeMounts,
          securityContext,
        },
      ],
      containers: [
        {
          name: 'agent',
          image: input.image,
          command: podCommand(input.mode, input.argv),
          workingDir: input.workdir,
          env,
          volumeMounts,
          securityContext,
          resources: kubeResources(input.limits),
          tty,
          stdin: tty,
        },
      ],
    },
  };
}

/** What a running pod was told of its keeper: the token it sends and the port of the endpoint it posts to. */
export interface PodKeeperLink {
  token: string;
  port: number;
}

/**
 * Read back from a task's pod (the inverse of podManifest's environment): a keeper that comes back after a
 * restart must listen where the pod already posts, and take the token it already has. Null: not one of braid's.
 */
export function podKeeperLink(pod: Pick<PodObject, 'spec'>): PodKeeperLink | null {
  const env = pod.spec?.containers?.find((c) => c.name === 'agent')?.env ?? [];
  const value = (name: string) => env.find((e) => e.name === name)?.value;
  const token = value('BRAID_TOKEN');
  const endpoint = value('BRAID_ENDPOINT');
  if (!token || !endpoint) return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return null;
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { token, port };
}
