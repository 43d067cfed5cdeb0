/** Tool uses an agent asked for and was refused (Claude Code's `permission_denials`, hook prompts nobody answered). */

export interface PermissionDenial {
  tool: string;
  /** The file or command it concerned, when the tool input names one. */
  target: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The denials of a stream-json `result` event (`permission_denials: [{tool_name, tool_input}]`). */
export function denialsOf(result: Json): PermissionDenial[] {
  const list = Array.isArray(result.permission_denials) ? result.permission_denials : [];
  return list.filter(isObject).map((d) => ({
    tool: typeof d.tool_name === 'string' ? d.tool_name : 'a tool',
    target: targetOf(d.tool_input),
  }));
}

export function targetOf(input: unknown): string | null {
  if (!isObject(input)) return null;
  for (const key of ['command', 'file_path', 'notebook_path', 'path', 'url']) {
    const v = input[key];
    if (typeof v === 'string' && v) return v.length > 80 ? `${v.slice(0, 79)}…` : v;
  }
  return null;
}

/** "Write (a.txt), Bash (git commit -m x)" with at most `max` named, then "and N more". */
export function describeDenials(denials: readonly PermissionDenial[], max = 3): string {
  const named = denials.slice(0, max).map((d) => (d.target ? `${d.tool} (${d.target})` : d.tool));
  const more = denials.length > max ? `, and ${denials.length - max} more` : '';
  return `${named.join(', ')}${more}`;
}

/** The status detail of a run that met refusals: why a task failed, or a note on one that exited. */
export function refusalDetail(denials: readonly PermissionDenial[], changedNothing: boolean): string {
  const n = denials.length;
  const what = `the agent was refused ${n} tool use${n === 1 ? '' : 's'}: ${describeDenials(denials)}`;
  const hint =
    'allow them with agents.<agent>.allowed_tools or permission_mode in braid.yaml (braid doctor shows the policy)';
  return changedNothing ? `${what}; it changed nothing; ${hint}` : `${what}; ${hint}`;
}
