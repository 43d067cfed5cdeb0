import { isManifest, type Manifest } from '../core/queue-graph.js';
import { gitRun } from './git.js';

/**
 * The package.json and tsconfig files tracked in `commit`, with their text: one `git ls-tree` and one
 * `git cat-file --batch` (none when there is no manifest).
 */
export async function readManifests(cwd: string, commit: string): Promise<Manifest[]> {
  const listed = await gitRun(['ls-tree', '-r', '-z', '--name-only', commit], { cwd });
  const paths = listed.stdout.split('\0').filter((p) => p && isManifest(p));
  if (paths.length === 0) return [];
  const res = await gitRun(['cat-file', '--batch'], {
    cwd,
    input: paths.map((p) => `${commit}:${p}\n`).join(''),
    binary: true,
  });
  const raw = res.stdoutBuffer ?? Buffer.from(res.stdout);
  const out: Manifest[] = [];
  let at = 0;
  for (const p of paths) {
    const eol = raw.indexOf(10, at);
    if (eol < 0) break;
    // `<id> blob <size>`, then the bytes and a newline; `<name> missing` for none.
    const size = /^\S+ blob (\d+)$/.exec(raw.subarray(at, eol).toString('utf8'))?.[1];
    at = eol + 1;
    if (size === undefined) continue;
    out.push({ path: p, text: raw.subarray(at, at + Number(size)).toString('utf8') });
    at += Number(size) + 1;
  }
  return out;
}
