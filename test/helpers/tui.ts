import { render } from 'ink-testing-library';
import { createElement } from 'react';
import type { Project } from '../../src/project/project.js';
import { App } from '../../src/tui/App.js';
import { projectData } from '../../src/tui/data.js';
import { until } from './wait.js';

/** `braid ui`'s App over a real project, refreshed fast; `shows` waits for text in the latest frame. */
export function dashboard(project: Project, initialSelected: string | null = null) {
  const ui = render(
    createElement(App, {
      data: projectData(project, { radarEveryMs: 60_000 }),
      refreshMs: 100,
      initialSelected,
      onLeave: () => {},
    }),
  );
  const frame = () => ui.lastFrame() ?? '';
  const shows = (text: string, what = text) =>
    until(`"${what}" in:\n${frame()}`, () => frame().includes(text), 15_000);
  return { ui, frame, shows };
}
