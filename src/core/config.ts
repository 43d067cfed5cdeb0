import { z } from 'zod';
import { BACKEND_NAMES } from './backend.js';
import { BraidError } from './errors.js';
import { NOTIFY_EVENTS } from './notify-events.js';
import { CLAUDE_PERMISSION_MODES } from './permissions.js';

const portName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'port names are environment variable names like PORT');
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name like DATABASE_URL');
const pgIdentifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a PostgreSQL database name: letters, digits, "_", up to 63');
export const relPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'),
    'must be a path inside the repository (no "/" at the start, no "..")',
  );

const httpUrl = z
  .string()
  .refine((u) => /^https?:\/\/[^/\s]+/.test(u) && URL.canParse(u), 'an http:// or https:// URL');

const codexSandboxMode = z.enum(['read-only', 'workspace-write', 'danger-full-access']);

const agentSchema = z
  .object({
    command: z.array(z.string()).min(1).optional(),
    headless_command: z.array(z.string()).min(1).optional(),
    /** Resumes the agent's own session ({session_id}); {prompt} is then a follow-up message. */
    resume_command: z.array(z.string()).min(1).optional(),
    headless_resume_command: z.array(z.string()).min(1).optional(),
    status: z.enum(['hooks', 'screen', 'process']).optional(),
    /** status: screen: a pane unchanged this long counts as idle. */
    screen_idle_seconds: z.number().positive().optional(),
    /** Claude Code's --permission-mode for every session (default: acceptEdits headless, bypassPermissions sandboxed). */
    permission_mode: z.enum(CLAUDE_PERMISSION_MODES).optional(),
    /** Claude Code --allowedTools rules added to braid's own (e.g. "Bash(npm run lint:*)"). */
    allowed_tools: z.array(z.string().min(1)).optional(),
    /** codex: its own sandbox in interactive sessions; unset: the user's Codex config decides. */
    sandbox_mode: codexSandboxMode.optional(),
    /** codex: its own sandbox in headless runs; default sandbox_mode, else workspace-write. */
    headless_sandbox_mode: codexSandboxMode.optional(),
    /** codex: when an interactive session asks first (`codex exec` never asks). */
    approval_policy: z.enum(['untrusted', 'on-failure', 'on-request', 'never']).optional(),
  })
  .strict();

const CODEX_ONLY_KEYS = ['sandbox_mode', 'headless_sandbox_mode', 'approval_policy'] as const;

// Codex's own settings do nothing under another agent: say so rather than ignore them.
const agentsSchema = z.record(z.string(), agentSchema).superRefine((agents, ctx) => {
  for (const [name, entry] of Object.entries(agents)) {
    if (name === 'codex') continue;
    for (const key of CODEX_ONLY_KEYS)
      if (entry[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [name, key],
          message: `${key} is a setting of agents.codex only`,
        });
  }
});

/** The container backend: engine, image (or a root filesystem folder), extra mounts, the environment let in. */
const containerSchema = z
  .object({
    engine: z.enum(['auto', 'podman', 'docker']).default('auto'),
    image: z.string().min(1).optional(),
    /** A root filesystem folder instead of an image (podman --rootfs), e.g. where no registry is reachable. */
    rootfs: z.string().min(1).optional(),
    /** OCI runtime for podman --runtime (runc where crun cannot run). */
    runtime: z.string().min(1).optional(),
    /** More engine arguments before the image, e.g. ["--ulimit", "nofile=1024:1024"]. */
    args: z.array(z.string()).default([]),
    /** SRC[:DST][:ro]; a relative SRC is under the repository root. */
    mounts: z.array(z.string()).default([]),
    /** NAME copies braid's value, NAME=value sets one; nothing else of the host's environment goes in. */
    env: z.array(z.string()).default([]),
  })
  .strict()
  .default({ engine: 'auto', args: [], mounts: [], env: [] });

/** The Kubernetes backend: which cluster (kubeconfig context), namespace, image, and where pods may connect. */
const kubernetesSchema = z
  .object({
    /** A context of the kubeconfig (KUBECONFIG or ~/.kube/config); its current context when absent. */
    context: z.string().min(1).optional(),
    namespace: z.string().min(1).default('default'),
    image: z.string().min(1).optional(),
    /** HOST[:PORT] or CIDR[:PORT] pods may reach besides DNS, the model's API and braid's endpoint. */
    egress: z.array(z.string().min(1)).default([]),
    /** NAME copies braid's value, NAME=value sets one; nothing else of the host's environment goes in. */
    env: z.array(z.string()).default([]),
    /** The URL pods reach braid's endpoint at (it listens on 127.0.0.1 unless told otherwise; docs/backends.md). */
    endpoint: httpUrl.optional(),
    /** The address braid's endpoint listens on: else the endpoint's host when given, else 127.0.0.1. */
    listen: z.string().min(1).optional(),
  })
  .strict()
  .default({ namespace: 'default', egress: [], env: [] });

/** Spending limits, in braid.yaml and in plans alike. */
export const budgetSchema = z
  .object({
    task_usd: z.number().positive().optional(),
    run_usd: z.number().positive().optional(),
    task_tokens: z.number().int().positive().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    base: z.string().min(1).optional(),
    worktrees: z.string().min(1).default('../{repo}.braid/{task}'),
    agent: z.string().min(1).default('claude'),
    agents: agentsSchema.default({}),
    include: z.array(relPath).default([]),
    /** The folder of the worktree sessions start in (a monorepo's package). */
    workdir: relPath.optional(),
    /** Cone paths: each task's worktree is a sparse checkout of these folders (the gate's stays full). */
    sparse: z.array(relPath).min(1).optional(),
    setup: z.array(z.string().min(1)).default([]),
    setup_timeout: z.number().int().positive().default(900),
    deps: z.enum(['auto', 'clone', 'install', 'none']).default('auto'),
    ports: z
      .object({
        names: z.array(portName).min(1).default(['PORT']),
        range: z
          .tuple([z.number().int().min(1024).max(65535), z.number().int().min(1024).max(65535)])
          .default([3100, 3999]),
        block: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .default({ names: ['PORT'], range: [3100, 3999], block: 10 })
      .refine((p) => p.range[0] <= p.range[1], {
        message: 'range must be [low, high] with low ≤ high',
        path: ['range'],
      })
      .refine((p) => p.names.length <= p.block, {
        message: 'more port names than ports in a block',
        path: ['names'],
      }),
    /**
     * A database per task. sqlite: the file at `path` (relative to the repository) is copied from the
     * main checkout into the task's worktree; `url` ({path} = the copy's absolute path) goes into `env`.
     * postgres: `createdb -T <template> <name>_<task>` (name defaults to the template), dropped on
     * `braid rm`; the server comes from `url` ({db} = the task's database) or else from PGHOST,
     * PGPORT, PGUSER, PGPASSWORD.
     */
    database: z
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('sqlite'),
            path: relPath,
            url: z.string().includes('{path}', { message: 'must contain {path}' }).default('file:{path}'),
            env: envName.default('DATABASE_URL'),
          })
          .strict(),
        z
          .object({
            kind: z.literal('postgres'),
            template: pgIdentifier,
            name: pgIdentifier.optional(),
            url: z
              .string()
              .regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL, e.g. postgresql://user@localhost:5432/{db}')
              .optional(),
            env: envName.default('DATABASE_URL'),
          })
          .strict(),
      ])
      .optional(),
    migrations: z
      .object({ glob: z.string().min(1), lock: z.string().default('migrations') })
      .strict()
      .optional(),
    /** A JSON price table merged over the shipped one (per model: input, output, …); relative to the repo root. */
    pricing: z.string().min(1).optional(),
    gate: z.string().min(1).optional(),
    gate_timeout: z.number().int().positive().default(1800),
    /** Gates run at once by the merge queue (`gate.slots` in braid.yaml); unset: from the machine's cores. */
    gate_slots: z.number().int().min(1).max(4).optional(),
    land: z
      .object({
        strategy: z.enum(['squash', 'rebase', 'merge']).default('squash'),
        cleanup: z.boolean().default(false),
        commit_uncommitted: z.boolean().default(true),
        /** The largest batch gated as one candidate (adaptive below it); 1 lands one change per gate run. */
        batch: z.number().int().min(1).max(8).default(8),
      })
      .strict()
      .default({ strategy: 'squash', cleanup: false, commit_uncommitted: true, batch: 8 }),
    layout: z.enum(['windows', 'tiled']).default('windows'),
    /** Where sessions run: this machine, or one container per task (docs/backends.md). */
    backend: z.enum(BACKEND_NAMES).default('local'),
    container: containerSchema,
    kubernetes: kubernetesSchema,
    max_parallel: z.number().int().min(1).max(64).default(3),
    budget: budgetSchema.optional(),
    sandbox: z
      .union([
        z.boolean(),
        z
          .object({
            network: z.union([z.enum(['none', 'all']), z.array(z.string())]).default('all'),
            writable: z.array(z.string()).default([]),
            /** Hidden from the session (empty in there); `~` is the home folder. */
            hide: z.array(z.string()).default(['~']),
            /** Kept readable inside a hidden folder, beyond braid's own list. */
            read: z.array(z.string()).default([]),
          })
          .strict(),
      ])
      .default(false),
    /** Where braid tells the user about waiting, finished, failed, landed… tasks (docs/config.md). */
    notify: z
      .object({
        webhook: httpUrl.optional(),
        ntfy: httpUrl.optional(),
        desktop: z.boolean().default(false),
        events: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional(),
      })
      .strict()
      .optional(),
    limits: z
      .object({
        memory: z
          .string()
          .regex(/^\d+(\.\d+)?[KMGT]?$/i, 'memory like 4G or 512M')
          .optional(),
        cpu: z.number().positive().optional(),
        pids: z.number().int().positive().optional(),
        required: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();

export type BraidConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Every problem of a config, one line each with its key path, so the user fixes them all at once. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : '(top level)';
    if (i.code === 'unrecognized_keys')
      return `${where}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    return `${where}: ${i.message}`;
  });
}

/** Validates parsed YAML; throws E_CONFIG listing every problem. */
export function parseConfig(raw: unknown, source: string): BraidConfig {
  const res = configSchema.safeParse(hoistGate(raw ?? {}));
  if (!res.success) {
    const lines = formatIssues(res.error.issues);
    throw new BraidError(
      'E_CONFIG',
      `${source} has ${lines.length} problem${lines.length > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`,
      'Fix the keys above; see docs/config.md for every key.',
    );
  }
  return res.data;
}

/**
 * `gate` may also be written as a map, `{ command, slots, timeout }`: its keys become `gate`,
 * `gate_slots` and `gate_timeout` (a key the map leaves out keeps the top-level one).
 */
function hoistGate(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || !('gate' in raw)) return raw;
  const { gate, ...rest } = raw as Record<string, unknown>;
  if (typeof gate !== 'object' || gate === null || Array.isArray(gate)) return raw;
  const { command, slots, timeout, ...unknown } = gate as Record<string, unknown>;
  return {
    ...rest,
    ...(command === undefined ? {} : { gate: command }),
    ...(slots === undefined ? {} : { gate_slots: slots }),
    ...(timeout === undefined ? {} : { gate_timeout: timeout }),
    // Unknown keys inside the map are reported under their own names.
    ...Object.fromEntries(Object.entries(unknown).map(([k, v]) => [`gate.${k}`, v])),
  };
}

export function defaultConfig(): BraidConfig {
  return configSchema.parse({});
}
