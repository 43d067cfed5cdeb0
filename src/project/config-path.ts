import path from 'node:path';

/** The config file in force: $BRAID_CONFIG, else <root>/braid.yaml. */
export function configPath(root: string, env: NodeJS.ProcessEnv): string {
  return env.BRAID_CONFIG ? path.resolve(root, env.BRAID_CONFIG) : path.join(root, 'braid.yaml');
}
