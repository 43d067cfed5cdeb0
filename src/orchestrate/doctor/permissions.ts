import type { BraidConfig } from '../../core/config.js';
import type { PermissionInputs } from '../../core/permissions.js';
import { BUILTIN_AGENTS, getAgent } from '../../run/agents/registry.js';

export interface PermissionLine {
  agent: string;
  detail: string;
}

/** What each agent may do unasked, headless and interactive, as `braid new` would launch it here. */
export function permissionLines(config: BraidConfig, asRoot = process.getuid?.() === 0): PermissionLine[] {
  const names = [...new Set([...Object.keys(BUILTIN_AGENTS), ...Object.keys(config.agents)])];
  return names.flatMap((name) => {
    let adapter: ReturnType<typeof getAgent>;
    try {
      adapter = getAgent(name, config);
    } catch {
      return [];
    }
    const policy = adapter.policy;
    if (!policy) return [{ agent: name, detail: 'its own settings (braid passes no permission flags)' }];
    const entry = Object.hasOwn(config.agents, name) ? config.agents[name] : undefined;
    const base: Omit<PermissionInputs, 'headless' | 'sandboxed'> = {
      asRoot,
      settings: { permission_mode: entry?.permission_mode, allowed_tools: entry?.allowed_tools },
      gate: config.gate,
      setup: config.setup,
    };
    const say = (headless: boolean, sandboxed: boolean) => policy({ ...base, headless, sandboxed }).summary;
    const detail = `headless: ${say(true, false)}; sandboxed headless: ${say(true, true)}; interactive: ${say(false, false)}`;
    return [{ agent: name, detail }];
  });
}
