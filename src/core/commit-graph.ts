/**
 * Commits of several branches read in one `git log` (a batch's members), pure: which of them each
 * branch adds, as `git log main..tip` would list them, without one git process per branch.
 */

export interface LoggedCommit {
  hash: string;
  parents: string[];
  subject: string;
}

/** The format braidLog parses: hash and parents on one line, the subject on the next; records NUL-separated (`-z`). */
export const LOG_FORMAT = '%H %P%n%s';

export function parseLog(out: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  for (const record of out.split('\0')) {
    const nl = record.indexOf('\n');
    const head = (nl < 0 ? record : record.slice(0, nl)).trim();
    if (!head) continue;
    const [hash, ...parents] = head.split(' ').filter(Boolean);
    commits.push({ hash, parents, subject: nl < 0 ? '' : record.slice(nl + 1) });
  }
  return commits;
}

/** Every listed commit reachable from `tip` through listed commits (the log stops at main, so this is main..tip). */
function reachable(byHash: ReadonlyMap<string, LoggedCommit>, tip: string): Set<string> {
  const seen = new Set<string>();
  const stack = [tip];
  for (let h = stack.pop(); h !== undefined; h = stack.pop()) {
    const c = byHash.get(h);
    if (!c || seen.has(h)) continue;
    seen.add(h);
    stack.push(...c.parents);
  }
  return seen;
}

/**
 * Subjects of the commits `tip` adds beyond main and beyond every tip in `also` (oldest first, as
 * `git log --reverse main..tip`), from a log of `^main` and all the tips in git's order.
 */
export function subjectsOf(
  log: readonly LoggedCommit[],
  tip: string,
  also: readonly string[] = [],
): string[] {
  const byHash = new Map(log.map((c) => [c.hash, c]));
  const mine = reachable(byHash, tip);
  for (const other of also) for (const h of reachable(byHash, other)) mine.delete(h);
  return log
    .filter((c) => mine.has(c.hash))
    .map((c) => c.subject)
    .reverse();
}
