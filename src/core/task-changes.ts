/** What a task changed against its base, and when a stored count can be shown instead of asking git. */

/** Who counted a task's uncommitted files: `braid ls` itself or the supervisor's pass. */
export type CountedBy = 'ls' | 'supervisor';

export interface ChangeFigures {
  task: string;
  /** The task's HEAD commit and its base commit the committed part was counted between. */
  head: string;
  baseCommit: string;
  ahead: number;
  behind: number;
  /** Paths changed by commits since the fork point. */
  committed: string[];
  /** Modified, staged and untracked paths in the worktree. */
  dirty: string[];
  /** The worktree's index file (mtime, size, inode) when `dirty` was counted. */
  indexSig: string;
  dirtyAt: number;
  dirtyBy: CountedBy;
}

/** The worktree as seen without spawning git: HEAD, the base's commit, the index's stat, the last activity. */
export interface WorktreeNow {
  head: string;
  baseCommit: string;
  indexSig: string;
  /** When the task's status last changed (an agent's turn ended, it exited…): its files may have too. */
  activityAt: number;
  /** False when its agent is not at work (idle, waiting, ended): only a person edits its files then. */
  editing?: boolean;
  /** Its turns are guessed from its screen (any output is one): a turn's end recounts at most once per trustMs. */
  screenTurns?: boolean;
}

export interface RecountPolicy {
  /** Recount everything (`braid ls --fresh`). */
  fresh?: boolean;
  now: number;
  /** Uncommitted counts by these readers are trusted… */
  trustBy: readonly CountedBy[];
  /** …for this long, when nothing cheap to check says the worktree changed. */
  trustMs: number;
  /** …or this long for a task whose agent is not at work and was not since the count (default trustMs). */
  idleTrustMs?: number;
}

/** Statuses in which an agent may be changing its worktree's files. */
const EDITING: readonly string[] = ['starting', 'working'];

export function editingStatus(status: string): boolean {
  return EDITING.includes(status);
}

export interface Recount {
  committed: boolean;
  dirty: boolean;
}

/** Which parts of a task's figures must be asked of git again. Commits are keyed by their ids, so never go stale. */
export function recountNeeded(
  stored: ChangeFigures | null,
  now: WorktreeNow,
  policy: RecountPolicy,
): Recount {
  if (!stored || policy.fresh) return { committed: true, dirty: true };
  const committed = stored.head !== now.head || stored.baseCommit !== now.baseCommit;
  const age = policy.now - stored.dirtyAt;
  const dirty =
    committed ||
    stored.indexSig !== now.indexSig ||
    // A turn that began since the count has changed nothing yet; the one that ended since may have.
    (now.editing !== true &&
      stored.dirtyAt < now.activityAt &&
      !(now.screenTurns && age <= policy.trustMs)) ||
    !policy.trustBy.includes(stored.dirtyBy) ||
    age > (now.editing === false ? (policy.idleTrustMs ?? policy.trustMs) : policy.trustMs);
  return { committed, dirty };
}

/** Files the task changed: committed since the fork point, uncommitted and untracked, each once. */
export function changedCount(f: Pick<ChangeFigures, 'committed' | 'dirty'>): number {
  return new Set([...f.committed, ...f.dirty]).size;
}
