import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openProject, type Project } from '../../src/project/project.js';

/** Opens braid's project for a temp repository, optionally writing its braid.yaml first. */
export async function projectFor(dir: string, yaml?: string): Promise<Project> {
  if (yaml !== undefined) writeFileSync(path.join(dir, 'braid.yaml'), yaml);
  return openProject(dir, {});
}
