/** A pod's keeper, reached from above the stage (orchestrate/kube-keeper.ts is its main): run/session is the runtimes' one door. */
export { runKeeper } from '../runtime/kubernetes/keeper.js';
