/** The container engine as `braid doctor` reports it: which one, its version, rootless or not, whether it runs a container. */
import path from 'node:path';
import type { BraidConfig } from '../../core/config.js';
import { containerProbeArgs, parseMountSpec } from '../../core/container-args.js';
import { parseEngineVersion } from '../../core/container-engine.js';
import { isBraidError } from '../../core/errors.js';
import { detectEngine, type EngineName, engine, engineRootless } from '../runtime/container/engine.js';

export interface ContainerCheckResult {
  ok: boolean;
  detail: string;
  hint: string | null;
}

/** The engine's last words, on one line. */
const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' ').trim();

const RUN_HINT = (name: EngineName) =>
  `Try ${name} run --rm <image> true by hand; where crun fails set container.runtime: runc, where rlimits cannot be set add --ulimit flags to container.args (docs/backends.md).`;

/** What braid.yaml's container settings let doctor try: the image or root filesystem with its mounts and flags. */
function probeArgs(name: EngineName, config: BraidConfig, root: string | null): string[] | null {
  const c = config.container;
  if (!c.image === !c.rootfs || !root) return null;
  const resolve = (p: string) => path.resolve(root, p);
  return containerProbeArgs(name, {
    image: c.image,
    rootfs: c.rootfs ? resolve(c.rootfs) : undefined,
    runtime: c.runtime,
    extraArgs: c.args,
    mounts: c.mounts.map((m) => parseMountSpec(m, resolve)),
  });
}

export async function containerCheck(
  config: BraidConfig,
  root: string | null,
): Promise<ContainerCheckResult> {
  let name: EngineName;
  try {
    name = await detectEngine(config.container.engine);
  } catch (err) {
    if (!isBraidError(err)) throw err;
    return { ok: false, detail: err.message, hint: err.hint ?? null };
  }
  const versionOut = await engine(name, ['--version'], { allowFailure: true, timeoutMs: 15_000 });
  const who = `${name} ${parseEngineVersion(versionOut.stdout) ?? '(version unknown)'}`;
  const info = await engineRootless(name);
  if (info.error)
    return {
      ok: false,
      detail: `${who}: cannot run containers: ${lastLines(info.error)}`,
      hint:
        name === 'docker'
          ? 'Start the docker daemon (systemctl start docker) or set up rootless docker, or install podman.'
          : `Check ${name} info: its storage or configuration is broken.`,
    };
  const mode = info.rootless ? 'rootless' : 'rootful';
  let args: string[] | null;
  try {
    args = probeArgs(name, config, root);
  } catch (err) {
    if (!isBraidError(err)) throw err;
    return { ok: false, detail: `${who}, ${mode}: ${err.message}`, hint: err.hint ?? null };
  }
  if (!args)
    return {
      ok: true,
      detail: `${who}, ${mode}; no container.image (or rootfs) in braid.yaml, so no container was tried`,
      hint: null,
    };
  const res = await engine(name, args, { allowFailure: true });
  const what = config.container.image ?? 'container.rootfs';
  if (res.code === 0) return { ok: true, detail: `${who}, ${mode}: runs a container (${what})`, hint: null };
  return {
    ok: false,
    detail: `${who}, ${mode}: cannot run a container (${what}): ${lastLines(res.stderr) || `exit ${res.code}`}`,
    hint: RUN_HINT(name),
  };
}
