/** The detached rescan worker the edit hook starts: `node rescan-main.js <worktree> <task>`. */
import { pathToFileURL } from 'node:url';
import { openProject } from '../../project/project.js';
import { appendEvent, lastCoveredEdit, lastEditEventId } from '../../store/events.js';
import { releaseLock, selfHolder, tryAcquireLock } from '../../store/locks.js';
import { rescanLockName } from './rescan.js';
import { scanRadar } from './scan.js';

/** Rescans `task` until no edit newer than the last scan's start is recorded; returns how many scans ran. */
export async function rescanUntilClean(cwd: string, task: string): Promise<number> {
  const project = await openProject(cwd);
  const { store } = project;
  const lock = rescanLockName(task);
  const holder = selfHolder(`radar rescan of ${task}`);
  let scans = 0;
  try {
    // Another worker has the task: it sees the edit that started us before it lets go.
    if (!tryAcquireLock(store, lock, holder).acquired) return 0;
    // Started by a hook whose edit an earlier run already scanned: nothing new to look at.
    if (lastEditEventId(store, task) <= lastCoveredEdit(store, task)) return 0;
    const startedAt = Date.now();
    for (;;) {
      const seen = lastEditEventId(store, task);
      await scanRadar(project, { tasks: [task] });
      scans++;
      // Test seam: stop here once, so a test can record an edit while this rescan "runs".
      if (scans === 1 && process.env.BRAID_PAUSE_AT === 'radar-rescan:scanned')
        process.kill(process.pid, 'SIGSTOP');
      // Checked and released in one transaction, so an edit recorded meanwhile is never dropped.
      const again = store.tx(() => {
        if (lastEditEventId(store, task) > seen) return true;
        // `coveredEdit`: the newest edit event this run's last scan is known to include.
        appendEvent(store, task, 'radar.rescanned', {
          scans,
          startedAt,
          endedAt: Date.now(),
          coveredEdit: seen,
        });
        releaseLock(store, lock, holder);
        return false;
      });
      if (!again) return scans;
    }
  } finally {
    releaseLock(store, lock, holder);
    project.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [cwd, task] = process.argv.slice(2);
  rescanUntilClean(cwd, task).catch((err: unknown) => {
    process.stderr.write(
      `${new Date().toISOString()} radar rescan of ${task} in ${cwd}: ${(err as Error)?.stack ?? String(err)}\n`,
    );
    process.exitCode = 1;
  });
}
