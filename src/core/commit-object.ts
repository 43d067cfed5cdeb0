/**
 * A git commit object's text, pure: what `git commit-tree` writes for a tree, its parents and a message,
 * so a window's candidates can be written without a git process each (src/git/commit-writer.ts).
 */

/** What `git var -l` says: each config key (lowercased section and name) with its last value, and the two identities. */
export interface GitVars {
  config: Map<string, string>;
  author: string | null;
  committer: string | null;
}

/** Parses `git var -l` (config entries as key=value, then GIT_*_IDENT=…). */
export function parseGitVars(out: string): GitVars {
  const config = new Map<string, string>();
  let author: string | null = null;
  let committer: string | null = null;
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'GIT_AUTHOR_IDENT') author = value;
    else if (key === 'GIT_COMMITTER_IDENT') committer = value;
    else if (/^[a-z0-9-]+\./i.test(key)) config.set(key.toLowerCase(), value);
  }
  return { config, author, committer };
}

/** Anything that makes `git commit-tree` write more or other than commitObject does: then git writes them. */
export function commitTreeOnly(vars: GitVars): string | null {
  const on = (k: string) => /^(true|yes|on|1)$/i.test(vars.config.get(k) ?? '');
  if (!vars.author || !vars.committer) return 'no identity';
  if (on('commit.gpgsign')) return 'commit.gpgSign';
  const encoding = vars.config.get('i18n.commitencoding');
  if (encoding && !/^utf-?8$/i.test(encoding)) return 'i18n.commitEncoding';
  const format = vars.config.get('extensions.objectformat');
  if (format && format.toLowerCase() !== 'sha1') return 'extensions.objectFormat';
  if (vars.config.has('core.sharedrepository')) return 'core.sharedRepository';
  return null;
}

/**
 * An identity line (`Name <email> <seconds> <zone>`) at another time: the zone kept, the seconds
 * replaced, unless `fixed` (GIT_AUTHOR_DATE or GIT_COMMITTER_DATE set: git gave that date).
 */
export function identAt(ident: string, seconds: number, fixed: boolean): string {
  if (fixed) return ident;
  const m = /^(.*> )(\d+) ([+-]\d{4})$/.exec(ident);
  return m ? `${m[1]}${Math.floor(seconds)} ${m[3]}` : ident;
}

/** The commit object's text, exactly as `git commit-tree <tree> -p … -F -` writes it for `message`. */
export function commitObject(
  tree: string,
  parents: readonly string[],
  author: string,
  committer: string,
  message: string,
): string {
  const head = [
    `tree ${tree}`,
    ...parents.map((p) => `parent ${p}`),
    `author ${author}`,
    `committer ${committer}`,
  ];
  return `${head.join('\n')}\n\n${message}`;
}
