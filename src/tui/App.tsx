/** The dashboard view: polls a UiData source, renders tasks and queue, and turns keys into actions. */
import { Box, type Key, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isBraidError } from '../core/errors.js';
import { newlyWaiting } from '../core/notify.js';
import { plural } from '../core/plural.js';
import { canStop } from '../core/task.js';
import type { AttachTarget, UiData, UiSnapshot } from './data.js';
import { Footer, QueueTable, RecentEvents, TaskTable } from './parts.js';
import {
  type Effect,
  initialState,
  type KeyPress,
  openPane,
  reduceChunk,
  reselect,
  type UiState,
} from './state.js';

/** Why the view ended: quit, or hand the terminal to a session and come back with this selection. */
export type Leave =
  | { kind: 'quit' }
  | { kind: 'attach'; target: Extract<AttachTarget, { argv: string[] }>; selected: string };

export interface AppProps {
  data: UiData;
  refreshMs?: number;
  initialSelected?: string | null;
  /** Shown until the first action, e.g. why the last attach failed. */
  initialMessage?: string | null;
  onLeave: (leave: Leave) => void;
}

type Message = { text: string; tone: 'info' | 'error' | 'hint' };

function toKeyPress(input: string, key: Key): KeyPress {
  return {
    input: key.ctrl || key.meta ? '' : input,
    up: key.upArrow,
    down: key.downArrow,
    pageUp: key.pageUp,
    pageDown: key.pageDown,
    enter: key.return,
    escape: key.escape,
    backspace: key.backspace || key.delete,
  };
}

function errorMessages(err: unknown): Message[] {
  const out: Message[] = [{ text: (err as Error).message, tone: 'error' }];
  if (isBraidError(err) && err.hint) out.push({ text: err.hint, tone: 'hint' });
  return out;
}

export function App({
  data,
  refreshMs = 1000,
  initialSelected = null,
  initialMessage = null,
  onLeave,
}: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const paneHeight = Math.max(5, (stdout.rows || 24) - 4);
  const [snap, setSnap] = useState<UiSnapshot | null>(null);
  const [ui, setUi] = useState<UiState>(initialState(initialSelected));
  const [messages, setMessages] = useState<Message[]>(
    initialMessage ? [{ text: initialMessage, tone: 'error' }] : [],
  );
  const uiRef = useRef(ui);
  const snapRef = useRef(snap);
  const loading = useRef(false);
  const alive = useRef(true);

  const update = useCallback((next: UiState) => {
    uiRef.current = next;
    setUi(next);
  }, []);

  const refresh = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    try {
      const next = await data.snapshot();
      if (!alive.current) return;
      const before = snapRef.current?.tasks.map((t) => t.name) ?? [];
      const after = next.tasks.map((t) => t.name);
      // The terminal's bell: a task began waiting for its user (the terminal decides how it rings).
      if (newlyWaiting(snapRef.current?.tasks ?? null, next.tasks).length) stdout.write('\x07');
      snapRef.current = next;
      setSnap(next);
      const selected = reselect(uiRef.current.selected, before, after);
      if (selected !== uiRef.current.selected) update({ ...uiRef.current, selected });
    } catch (err) {
      if (alive.current) setMessages(errorMessages(err));
    } finally {
      loading.current = false;
    }
  }, [data, update, stdout]);

  useEffect(() => {
    alive.current = true;
    void refresh();
    const timer = setInterval(() => void refresh(), refreshMs);
    return () => {
      alive.current = false;
      clearInterval(timer);
    };
  }, [refresh, refreshMs]);

  const act = async (effect: Effect) => {
    const say = (text: string) => alive.current && setMessages([{ text, tone: 'info' }]);
    try {
      switch (effect.kind) {
        case 'quit':
          onLeave({ kind: 'quit' });
          return exit();
        case 'attach': {
          const target = await data.attach(effect.task);
          if ('text' in target) return update(openPane(uiRef.current, `log of ${effect.task}`, target.text));
          onLeave({ kind: 'attach', target, selected: effect.task });
          return exit();
        }
        case 'diff':
          return update(openPane(uiRef.current, `diff of ${effect.task}`, await data.diff(effect.task)));
        case 'send':
          await data.send(effect.task, effect.text);
          return say(`sent to ${effect.task}`);
        case 'land':
          say(`landing ${effect.task}…`);
          return say(await data.land(effect.task, say));
        case 'stop':
          say(`stopping ${effect.task}…`);
          await data.stop(effect.task);
          return say(`stopped ${effect.task}`);
        case 'remove':
          say(`removing ${effect.task}…`);
          return say(await data.remove(effect.task));
        case 'create':
          say(`creating ${effect.name}…`);
          await data.create(effect.name, effect.prompt, (line) => say(`${effect.name}: ${line}`));
          update({ ...uiRef.current, selected: effect.name });
          return say(`created ${effect.name}`);
      }
    } catch (err) {
      if (alive.current) setMessages(errorMessages(err));
    } finally {
      if (effect.kind !== 'quit' && effect.kind !== 'attach') void refresh();
    }
  };

  useInput((input, key) => {
    const tasks = snapRef.current?.tasks ?? [];
    const names = tasks.map((t) => t.name);
    const stoppable = (name: string) => canStop(tasks.find((t) => t.name === name)?.status ?? '');
    const step = reduceChunk(uiRef.current, toKeyPress(input, key), names, paneHeight, stoppable);
    update(step.state);
    for (const effect of step.effects) void act(effect);
  });

  const mode = ui.mode;
  if (mode.kind === 'pane') {
    const shown = mode.lines
      .slice(mode.offset, mode.offset + paneHeight)
      .map((text, i) => ({ id: mode.offset + i, text }));
    return (
      <Box flexDirection="column">
        <Text bold>{mode.title}</Text>
        {shown.map((line) => (
          <Text key={line.id} wrap="truncate-end">
            {line.text || ' '}
          </Text>
        ))}
        <Text dimColor>
          lines {mode.offset + 1}-{mode.offset + shown.length} of {mode.lines.length} · ↑/↓ PgUp/PgDn scroll ·
          q close
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold>braid · {snap ? plural(snap.tasks.length, 'task') : 'loading…'}</Text>
      <TaskTable snap={snap} selected={ui.selected} />
      <QueueTable snap={snap} />
      <RecentEvents snap={snap} />
      {messages.map((m) => (
        <Text key={m.tone} color={m.tone === 'error' ? 'red' : undefined} dimColor={m.tone === 'hint'}>
          {m.text}
        </Text>
      ))}
      <Footer ui={ui} selectedStatus={snap?.tasks.find((t) => t.name === ui.selected)?.status ?? null} />
    </Box>
  );
}
