/** Pure: the dashboard's modes, selection and what each key does (an effect the view then carries out). */

type InputPurpose = 'send' | 'new-name' | 'new-prompt';

type Mode =
  | { kind: 'table' }
  | { kind: 'confirm-remove'; task: string }
  | { kind: 'input'; purpose: InputPurpose; value: string; task: string }
  | { kind: 'pane'; title: string; lines: string[]; offset: number };

export interface UiState {
  /** Kept by name so a refresh that reorders or removes rows does not jump the cursor onto another task. */
  selected: string | null;
  mode: Mode;
}

export type Effect =
  | { kind: 'attach'; task: string }
  | { kind: 'send'; task: string; text: string }
  | { kind: 'diff'; task: string }
  | { kind: 'land'; task: string }
  | { kind: 'stop'; task: string }
  | { kind: 'remove'; task: string }
  | { kind: 'create'; name: string; prompt: string }
  | { kind: 'quit' };

/** A key press, normalised from the terminal library's shape. */
export interface KeyPress {
  input: string;
  up?: boolean;
  down?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  enter?: boolean;
  escape?: boolean;
  backspace?: boolean;
}

export interface Step {
  state: UiState;
  effect?: Effect;
}

export const initialState = (selected: string | null = null): UiState => ({
  selected,
  mode: { kind: 'table' },
});

/** The selected name after a refresh: the same task while it exists, else the nearest row. */
export function reselect(selected: string | null, before: string[], after: string[]): string | null {
  if (!after.length) return null;
  if (selected && after.includes(selected)) return selected;
  const i = selected ? before.indexOf(selected) : 0;
  return after[Math.min(Math.max(i, 0), after.length - 1)];
}

function move(selected: string | null, names: string[], by: number): string | null {
  if (!names.length) return null;
  const i = selected ? names.indexOf(selected) : -1;
  return names[Math.min(Math.max(i + by, 0), names.length - 1)];
}

export function openPane(state: UiState, title: string, text: string): UiState {
  const lines = text.replace(/\n$/, '').split('\n');
  return { ...state, mode: { kind: 'pane', title, lines, offset: 0 } };
}

const TASK_KEYS: Record<string, Effect['kind']> = { a: 'attach', d: 'diff', l: 'land', x: 'stop' };

/** Which tasks still have something to stop (a finished one offers no "stop"); default: all. */
export type CanStop = (task: string) => boolean;

function onTable(state: UiState, key: KeyPress, names: string[], canStop: CanStop): Step {
  if (key.up) return { state: { ...state, selected: move(state.selected, names, -1) } };
  if (key.down) return { state: { ...state, selected: move(state.selected, names, 1) } };
  if (key.input === 'q') return { state, effect: { kind: 'quit' } };
  if (key.input === 'n')
    return { state: { ...state, mode: { kind: 'input', purpose: 'new-name', value: '', task: '' } } };
  const task = state.selected;
  if (!task) return { state };
  if (key.input === 'r') return { state: { ...state, mode: { kind: 'confirm-remove', task } } };
  if (key.input === 's')
    return { state: { ...state, mode: { kind: 'input', purpose: 'send', value: '', task } } };
  const kind = TASK_KEYS[key.input];
  if (kind === 'stop' && !canStop(task)) return { state };
  if (kind) return { state, effect: { kind, task } as Effect };
  return { state };
}

function onInput(state: UiState, mode: Extract<Mode, { kind: 'input' }>, key: KeyPress): Step {
  const table: UiState = { ...state, mode: { kind: 'table' } };
  if (key.escape) return { state: table };
  if (key.backspace) return { state: { ...state, mode: { ...mode, value: mode.value.slice(0, -1) } } };
  if (key.enter) {
    const value = mode.value.trim();
    if (!value) return { state: table };
    if (mode.purpose === 'send')
      return { state: table, effect: { kind: 'send', task: mode.task, text: value } };
    if (mode.purpose === 'new-name')
      return { state: { ...state, mode: { kind: 'input', purpose: 'new-prompt', value: '', task: value } } };
    return { state: table, effect: { kind: 'create', name: mode.task, prompt: value } };
  }
  if (!key.input || key.up || key.down || key.pageUp || key.pageDown) return { state };
  return { state: { ...state, mode: { ...mode, value: mode.value + key.input } } };
}

function onPane(state: UiState, mode: Extract<Mode, { kind: 'pane' }>, key: KeyPress, height: number): Step {
  if (key.escape || key.input === 'q') return { state: { ...state, mode: { kind: 'table' } } };
  const by = key.up
    ? -1
    : key.down
      ? 1
      : key.pageUp
        ? -height
        : key.pageDown || key.input === ' '
          ? height
          : 0;
  const max = Math.max(0, mode.lines.length - height);
  const offset = Math.min(Math.max(mode.offset + by, 0), max);
  return { state: { ...state, mode: { ...mode, offset } } };
}

/** One key press: the next state and, when the key asks for one, the effect to carry out. */
export function reduce(
  state: UiState,
  key: KeyPress,
  names: string[],
  paneHeight: number,
  canStop: CanStop = () => true,
): Step {
  const mode = state.mode;
  if (mode.kind === 'table') return onTable(state, key, names, canStop);
  if (mode.kind === 'input') return onInput(state, mode, key);
  if (mode.kind === 'pane') return onPane(state, mode, key, paneHeight);
  const table: UiState = { ...state, mode: { kind: 'table' } };
  if (key.input === 'y') return { state: table, effect: { kind: 'remove', task: mode.task } };
  return { state: table };
}

/**
 * Several characters can arrive as one chunk (fast typing, tmux send-keys): outside a text prompt
 * each is its own key; inside one they are text, until a key leaves the prompt.
 */
export function reduceChunk(
  state: UiState,
  key: KeyPress,
  names: string[],
  paneHeight: number,
  canStop: CanStop = () => true,
): { state: UiState; effects: Effect[] } {
  const chars = [...key.input];
  if (chars.length <= 1 || state.mode.kind === 'input') {
    const step = reduce(state, key, names, paneHeight, canStop);
    return { state: step.state, effects: step.effect ? [step.effect] : [] };
  }
  let current = state;
  const effects: Effect[] = [];
  for (const ch of chars) {
    const step = reduce(current, { input: ch }, names, paneHeight, canStop);
    current = step.state;
    if (step.effect) effects.push(step.effect);
  }
  return { state: current, effects };
}
