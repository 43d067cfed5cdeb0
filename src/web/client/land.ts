/** Progress of a landing started from this dashboard (or another tab): its lines, then what landed and what did not. */
import type { LandJobState } from '../protocol.js';
import { byId } from './dom.js';

export function renderLand(job: LandJobState): void {
  const box = byId('land');
  box.hidden = false;
  box.dataset.state = job.state;
  byId('land-title').textContent = `Landing ${job.task || 'the queue'}: ${job.state}`;
  const lines = [...job.lines];
  const r = job.result;
  if (r) {
    for (const l of r.landed) lines.push(`landed ${l.name} ${(l.commit || '').slice(0, 12)}`);
    for (const x of r.rejected)
      lines.push(
        `not landed ${x.name}: ${x.reason}${x.conflictFiles.length ? ` (${x.conflictFiles.join(', ')})` : ''}`,
      );
    if (!r.landed.length && !r.rejected.length) lines.push('nothing to land');
  }
  if (job.error) lines.push(`failed: ${job.error}`);
  byId('land-log').textContent = lines.join('\n');
}
