import type { Task } from '../../core/task.js';
import type { Project } from '../../project/project.js';
import { getAgent } from '../../run/agents/registry.js';
import { handleOf, typeIntoSession } from '../../run/session/reach.js';
import { markDelivered, undeliveredNotes } from '../../store/notes.js';
import { listTasks } from '../../store/tasks.js';
import { noteMessage } from './message.js';

/** Agents without hooks read notes as typed text: only in tmux, and only while idle at their prompt. */
function typeable(project: Project, task: Task): boolean {
  if (task.status !== 'idle' || task.runtime !== 'tmux' || !handleOf(task)) return false;
  try {
    return getAgent(task.agent, project.config).statusMode !== 'hooks';
  } catch {
    return false;
  }
}

/** Types pending notes into idle sessions of agents without hooks; returns the tasks reached. */
export async function deliverTypedNotes(project: Project): Promise<string[]> {
  const reached: string[] = [];
  for (const task of listTasks(project.store)) {
    if (!typeable(project, task)) continue;
    const notes = undeliveredNotes(project.store, task.name);
    const handle = handleOf(task);
    if (!notes.length || !handle) continue;
    // One line: a newline inside would submit half of the message.
    const text = noteMessage(notes).replace(/\n+/g, ' ');
    try {
      await typeIntoSession(handle, text);
    } catch {
      continue; // the session went away; the note waits for the next one
    }
    markDelivered(
      project.store,
      task.name,
      notes.map((n) => n.id),
      'typed',
    );
    reached.push(task.name);
  }
  return reached;
}
