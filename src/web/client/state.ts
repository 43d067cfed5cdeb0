/** What the page shows right now: the latest payload, the task page open (if any), when its detail was fetched. */
import type { DashboardPayload } from '../protocol.js';

export const state: {
  snap: DashboardPayload | null;
  /** The task whose page is open (#/task/<name>), or null on the overview. */
  selected: string | null;
  detailAt: number;
  /** The selected task's state when its diff was last fetched. */
  detailKey: string;
} = { snap: null, selected: null, detailAt: 0, detailKey: '' };
