import { scanProcesses } from './proc.js';

/** True while any process of the group led by `pgid` exists (zombies waiting to be reaped do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const live = liveGroupMembers(pgid);
  return live === null ? true : live.length > 0;
}

/** The non-zombie members of a group, from /proc; null where /proc is unavailable. */
export function liveGroupMembers(pgid: number): number[] | null {
  const all = scanProcesses();
  if (all === null) return null;
  return all.filter((p) => p.pgrp === pgid && p.state !== 'Z' && p.state !== 'X').map((p) => p.pid);
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `done` until it holds or `ms` pass; resolves with the last answer. */
export async function waitUntil(done: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
  }
}

/** SIGTERM, wait, SIGKILL: ends a group whether or not it cooperates. */
export async function terminateGroup(pgid: number, termMs: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntil(() => !groupAlive(pgid), termMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitUntil(() => !groupAlive(pgid), 5_000);
}
