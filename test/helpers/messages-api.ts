import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A scripted Anthropic Messages API on 127.0.0.1 for the real Claude Code (ANTHROPIC_BASE_URL).
 * Each session is told apart by its working directory ("Primary working directory: <path>" in the
 * system prompt), so one server serves several sessions at once; the reply to a request is chosen
 * from the conversation it carries, never from how many requests came before.
 */

export interface ServedUsage {
  input: number;
  output: number;
  cacheCreation5m: number;
  cacheCreation1h: number;
  cacheRead: number;
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown> };

export interface Reply {
  blocks: Block[];
  /** What this reply reports as used (defaults: the server's `usage`). */
  usage?: Partial<ServedUsage>;
  /** The model named in the reply (default: the server's `model`). */
  model?: string;
  /** The reply is sent only once this settles: the session stays mid-turn until the test says so. */
  hold?: Promise<unknown>;
  /** Answer with this HTTP error instead (e.g. a 429 usage limit); `blocks` are then not sent. */
  error?: ApiError;
}

interface ApiError {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

interface TurnContext {
  /** The session's working directory (from its system prompt). */
  workdir: string;
  /** Assistant messages already in the conversation (a resumed session counts its earlier ones). */
  turn: number;
  /** Assistant messages since the latest prompt a person (or braid) typed: 0 answers the prompt. */
  step: number;
  /** The text of that latest prompt. */
  prompt: string;
  request: RecordedRequest;
}

/** Replies in order of `turn`, or a function of the conversation; `undefined` ends the turn with "Done.". */
export type Script = Reply[] | ((ctx: TurnContext) => Reply | undefined);

interface RecordedRequest {
  method: string;
  url: string;
  /** The parsed JSON body, or null. */
  body: MessagesBody | null;
  /** The session's working directory from the system prompt, or null (e.g. a title request). */
  workdir: string | null;
  /** Claude Code's session id (header x-claude-code-session-id), or null. */
  sessionId: string | null;
  /** Whether the request offered tools: only those follow a script. */
  scripted: boolean;
  /** What the server answered with (messages requests only). */
  reply: { blocks: Block[]; usage: ServedUsage; model: string; stopReason: string } | null;
  /** The HTTP error answered instead of a reply, or null. */
  error: ApiError | null;
}

interface MessagesBody {
  model?: string;
  stream?: boolean;
  system?: string | Array<{ type: string; text?: string }>;
  messages?: Array<{ role: string; content: string | ContentBlock[] }>;
  tools?: unknown[];
  output_config?: {
    format?: { type?: string; schema?: { properties?: Record<string, { type?: string }> } };
  };
}

interface ContentBlock {
  type: string;
  text?: string;
  content?: string | ContentBlock[];
  tool_use_id?: string;
}

export interface MessagesApiOptions {
  /** Usage reported by every reply that does not give its own (default 100 in, 20 out, no cache). */
  usage?: Partial<ServedUsage>;
  /** Usage reported by requests without tools (titles, summaries); default none at all. */
  sideUsage?: Partial<ServedUsage>;
  /** Model named in replies (default: the one the request asked for). */
  model?: string;
}

export interface MessagesApi {
  /** For ANTHROPIC_BASE_URL. */
  url: string;
  /** Gives the session working in `workdir` (a path, or the last part of one) its script. */
  script(workdir: string, script: Script): void;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The scripted (tool-offering) requests of one session, by working directory. */
  requestsOf(workdir: string): RecordedRequest[];
  /** Every piece of text the model was sent in one session: system prompt, prompts, tool results, reminders. */
  textsOf(workdir: string): string[];
  /** Usage the server reported to one session (by working directory), summed. */
  servedTo(workdir: string): ServedUsage & { model: string | null; replies: number };
  close(): Promise<void>;
}

const ZERO: ServedUsage = { input: 0, output: 0, cacheCreation5m: 0, cacheCreation1h: 0, cacheRead: 0 };

export const say = (text: string, usage?: Partial<ServedUsage>): Reply => ({
  blocks: [{ type: 'text', text }],
  usage,
});
const tool = (name: string, input: Record<string, unknown>, text?: string): Reply => ({
  blocks: [...(text ? [{ type: 'text' as const, text }] : []), { type: 'tool_use', name, input }],
});
export const writeFile = (filePath: string, content: string): Reply =>
  tool('Write', { file_path: filePath, content });
export const readFile = (filePath: string): Reply => tool('Read', { file_path: filePath });
export const bash = (command: string, description = 'Run a command'): Reply =>
  tool('Bash', { command, description });

/**
 * The API's answer to a Claude subscription past its usage limit until `resetAt` (ms): a 429 with the
 * unified rate-limit headers, which Claude Code (signed in with a subscription token) turns into
 * "You've hit your session limit · resets <time>" instead of retrying.
 */
export const usageLimit = (resetAt: number): Reply => ({
  blocks: [],
  error: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Rate limited',
    headers: {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-reset': String(Math.floor(resetAt / 1000)),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    },
  },
});

/** Starts the server on a random port of 127.0.0.1. */
export async function messagesApi(options: MessagesApiOptions = {}): Promise<MessagesApi> {
  const scripts = new Map<string, Script>();
  const requests: RecordedRequest[] = [];
  const baseUsage = { ...ZERO, input: 100, output: 20, ...options.usage };
  const sideUsage = { ...ZERO, ...options.sideUsage };

  const scriptFor = (workdir: string | null): Script | undefined => {
    if (!workdir) return undefined;
    return scripts.get(workdir) ?? scripts.get(path.basename(workdir));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: MessagesBody | null = null;
      try {
        body = raw ? (JSON.parse(raw) as MessagesBody) : null;
      } catch {
        body = null;
      }
      const header = req.headers['x-claude-code-session-id'];
      const record: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        workdir: body ? workdirOf(body) : null,
        sessionId: typeof header === 'string' ? header : null,
        scripted: Array.isArray(body?.tools) && (body?.tools?.length ?? 0) > 0,
        reply: null,
        error: null,
      };
      requests.push(record);
      answer(record, res);
    });
  });

  function answer(record: RecordedRequest, res: http.ServerResponse): void {
    const route = record.url.split('?')[0];
    if (record.method === 'POST' && route === '/v1/messages/count_tokens') {
      const size = JSON.stringify(record.body ?? {}).length;
      json(res, 200, { input_tokens: Math.ceil(size / 4) });
      return;
    }
    if (record.method !== 'POST' || route !== '/v1/messages' || !record.body) {
      // Claude Code probes the base URL (HEAD /) before its first call; anything else is unknown here.
      if (record.method === 'HEAD' || route === '/') json(res, 200, {});
      else json(res, 404, { type: 'error', error: { type: 'not_found_error', message: route } });
      return;
    }
    const reply = chooseReply(record);
    if (reply.hold) {
      reply.hold.then(
        () => send(record, reply, res),
        () => send(record, reply, res),
      );
    } else send(record, reply, res);
  }

  function send(record: RecordedRequest, reply: Reply, res: http.ServerResponse): void {
    if (!record.body) return;
    if (reply.error) {
      record.error = reply.error;
      const { status, type, message, headers } = reply.error;
      json(res, status, { type: 'error', error: { type, message } }, headers);
      return;
    }
    const usage = { ...(record.scripted ? baseUsage : sideUsage), ...reply.usage };
    const model = reply.model ?? options.model ?? record.body.model ?? 'claude-sonnet-4-5';
    const stopReason = reply.blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    record.reply = { blocks: reply.blocks, usage, model, stopReason };
    if (record.body.stream) stream(res, record.reply);
    else json(res, 200, messageJson(record.reply, true));
  }

  function chooseReply(record: RecordedRequest): Reply {
    if (!record.scripted) return sideReply(record.body);
    const messages = record.body?.messages ?? [];
    const turn = messages.filter((m) => m.role === 'assistant').length;
    const promptAt = latestPromptIndex(messages);
    const step = messages.slice(promptAt + 1).filter((m) => m.role === 'assistant').length;
    const prompt = promptAt >= 0 ? plainText(messages[promptAt].content) : '';
    const script = scriptFor(record.workdir);
    const reply = Array.isArray(script)
      ? script[turn]
      : script?.({ workdir: record.workdir ?? '', turn, step, prompt, request: record });
    return reply ?? say('Done.');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const ofSession = (workdir: string) =>
    requests.filter((r) => r.scripted && r.workdir !== null && matches(r.workdir, workdir));

  return {
    url: `http://127.0.0.1:${port}`,
    script(workdir, script) {
      scripts.set(workdir, script);
    },
    requests,
    requestsOf: ofSession,
    textsOf(workdir) {
      return ofSession(workdir).flatMap((r) => (r.body ? textsIn(r.body) : []));
    },
    servedTo(workdir) {
      const total = { ...ZERO, model: null as string | null, replies: 0 };
      for (const r of requests) {
        if (!r.reply || r.workdir === null || !matches(r.workdir, workdir)) continue;
        for (const k of Object.keys(ZERO) as Array<keyof ServedUsage>) total[k] += r.reply.usage[k];
        total.model = r.reply.model;
        total.replies += 1;
      }
      return total;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Titles and other tool-less requests; those asking for a JSON schema (the session title) get it filled in. */
function sideReply(body: MessagesBody | null): Reply {
  const schema = body?.output_config?.format?.schema;
  if (body?.output_config?.format?.type !== 'json_schema' || !schema?.properties)
    return say('Scripted session');
  const value: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    value[key] = prop.type === 'boolean' ? false : prop.type === 'number' ? 0 : 'Scripted session';
  }
  return say(JSON.stringify(value));
}

function matches(actual: string, wanted: string): boolean {
  return actual === wanted || path.basename(actual) === wanted;
}

/** "Primary working directory: <path>" in the system prompt (or, moved there, in the first message). */
function workdirOf(body: MessagesBody): string | null {
  const found = /Primary working directory: (.+)/.exec(textsIn(body).join('\n'));
  return found ? found[1].trim() : null;
}

/** The index of the latest user message a person typed (not a tool result, not only reminders). */
function latestPromptIndex(messages: NonNullable<MessagesBody['messages']>): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return i;
    if (m.content.some((b) => b.type === 'tool_result')) continue;
    if (m.content.some((b) => b.type === 'text' && !b.text?.trimStart().startsWith('<system-reminder>')))
      return i;
  }
  return -1;
}

function plainText(content: string | ContentBlock[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((b) => b.type === 'text' && !b.text?.trimStart().startsWith('<system-reminder>'))
    .map((b) => b.text ?? '')
    .join('\n');
}

/** Every string the model reads in a request, tool results and system-role messages included. */
function textsIn(body: MessagesBody): string[] {
  const out: string[] = [];
  if (typeof body.system === 'string') out.push(body.system);
  else for (const b of body.system ?? []) if (b.text) out.push(b.text);
  const walk = (content: string | ContentBlock[] | undefined) => {
    if (content === undefined) return;
    if (typeof content === 'string') {
      out.push(content);
      return;
    }
    for (const b of content) {
      if (b.text) out.push(b.text);
      walk(b.content);
    }
  };
  for (const m of body.messages ?? []) walk(m.content);
  return out;
}

function json(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId(), ...headers });
  res.end(JSON.stringify(value));
}

const requestId = () => `req_${randomBytes(12).toString('hex')}`;

function usageJson(u: ServedUsage, outputTokens: number) {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheCreation5m + u.cacheCreation1h,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: u.cacheCreation5m,
      ephemeral_1h_input_tokens: u.cacheCreation1h,
    },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

type Served = NonNullable<RecordedRequest['reply']>;

function contentJson(blocks: Block[]) {
  return blocks.map((b) =>
    b.type === 'text'
      ? { type: 'text', text: b.text }
      : { type: 'tool_use', id: `toolu_${randomBytes(12).toString('hex')}`, name: b.name, input: b.input },
  );
}

function messageJson(served: Served, complete: boolean) {
  return {
    id: `msg_${randomBytes(12).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: served.model,
    content: complete ? contentJson(served.blocks) : [],
    stop_reason: complete ? served.stopReason : null,
    stop_sequence: null,
    // As the real API: the start carries the input side and a token of output; the delta the final count.
    usage: usageJson(served.usage, complete ? served.usage.output : Math.min(1, served.usage.output)),
  };
}

/** The reply as server-sent events, the way the Messages API streams it. */
function stream(res: http.ServerResponse, served: Served): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': requestId(),
  });
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', { message: messageJson(served, false) });
  contentJson(served.blocks).forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      // Two pieces, as the API sends partial JSON.
      const cut = Math.floor(json.length / 2);
      for (const partial of [json.slice(0, cut), json.slice(cut)])
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: partial } });
    }
    send('content_block_stop', { index });
  });
  send('message_delta', {
    delta: { stop_reason: served.stopReason, stop_sequence: null },
    usage: usageJson(served.usage, served.usage.output),
  });
  send('message_stop', {});
  res.end();
}
