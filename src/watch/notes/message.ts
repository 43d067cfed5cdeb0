import type { Note } from '../../store/notes.js';

/** How notes read to an agent: one message, each note on its own line. */
export function noteMessage(notes: Pick<Note, 'text'>[]): string {
  const lines = notes.map((n) => `- ${n.text}`);
  return `Note from the user to every parallel session of this repository (braid note):\n${lines.join('\n')}`;
}
