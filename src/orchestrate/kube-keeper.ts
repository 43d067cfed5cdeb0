/**
 * The main of a pod's keeper (run/runtime/kubernetes/keeper.ts), started detached by the Kubernetes backend:
 * the pod's hook events are taken in here, in process, exactly as `braid hook <event>` takes a local one.
 * argv: <spec file>.
 */
import { runKeeper } from '../run/session/kube-keeper.js';
import { takeHook } from './hook-intake.js';

runKeeper(process.argv[2] ?? '', (spec, event, payload) =>
  takeHook(
    event,
    JSON.stringify(payload),
    { ...process.env, BRAID_TASK: spec.task, BRAID_REPO: spec.repoRoot },
    spec.worktree,
  ),
).then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`braid kube keeper: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
