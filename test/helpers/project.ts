import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stopSupervisor } from '../../src/orchestrate/supervisor/control.js';
import { openProject, type Project } from '../../src/project/project.js';

/** Opens braid's project for a temp repository, optionally writing its braid.yaml first. */
export async function projectFor(dir: string, yaml?: string): Promise<Project> {
  if (yaml !== undefined) writeFileSync(path.join(dir, 'braid.yaml'), yaml);
  return openProject(dir, {});
}

/** A test's last word on a project: its supervisor stopped (it writes in .git/braid until then), its store closed. */
export async function closeProject(project: Project): Promise<void> {
  try {
    await stopSupervisor(project, 2000);
  } finally {
    project.close();
  }
}
