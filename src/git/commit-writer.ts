import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { commitObject, commitTreeOnly, identAt, parseGitVars } from '../core/commit-object.js';
import { gitRun } from './git.js';

/** Writes a commit object and returns its id. */
export type CommitWriter = (tree: string, parents: readonly string[], message: string) => string;

/**
 * A writer of commit objects straight into the object store (a loose object, as git writes one), for
 * a window of candidates: one `git var -l` instead of a `git commit-tree` per change. Null when git
 * would write something else (signing, another encoding or object format, shared permissions, an
 * object directory set from outside, no identity): the caller runs commit-tree then.
 */
export async function openCommitWriter(
  cwd: string,
  commonDir: string,
  identityEnv: Record<string, string>,
): Promise<CommitWriter | null> {
  const env = { ...process.env, ...identityEnv };
  if (env.GIT_OBJECT_DIRECTORY) return null;
  const res = await gitRun(['var', '-l'], { cwd, env: identityEnv, allowFailure: true });
  if (res.code !== 0) return null;
  const vars = parseGitVars(res.stdout);
  if (commitTreeOnly(vars) || !vars.author || !vars.committer) return null;
  const { author, committer } = vars;
  const objects = path.join(commonDir, 'objects');
  return (tree, parents, message) => {
    const now = Date.now() / 1000;
    const text = commitObject(
      tree,
      parents,
      identAt(author, now, !!env.GIT_AUTHOR_DATE),
      identAt(committer, now, !!env.GIT_COMMITTER_DATE),
      message,
    );
    const body = Buffer.from(text, 'utf8');
    const raw = Buffer.concat([Buffer.from(`commit ${body.length}\0`), body]);
    const id = createHash('sha1').update(raw).digest('hex');
    const dir = path.join(objects, id.slice(0, 2));
    const file = path.join(dir, id.slice(2));
    if (existsSync(file)) return id;
    mkdirSync(dir, { recursive: true });
    // Whole or not at all (a kill mid-write leaves a tmp_obj_ file, which git gc prunes), read-only as git's.
    const tmp = path.join(dir, `tmp_obj_braid_${randomBytes(6).toString('hex')}`);
    try {
      writeFileSync(tmp, deflateSync(raw), { mode: 0o444 });
      renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
    return id;
  };
}
