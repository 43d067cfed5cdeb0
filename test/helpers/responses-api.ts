/**
 * A scripted OpenAI Responses API on 127.0.0.1, for running the real Codex CLI offline.
 *
 * Codex posts every model call to `<base_url>/responses` (`stream: true`) and reads server-sent events:
 * `response.created`, `response.output_item.added` / `response.output_item.done` (one complete item
 * each: an assistant `message`, a `function_call` such as `exec_command`, …) and `response.completed`,
 * whose `response.usage` (`input_tokens` including `input_tokens_details.cached_tokens` and
 * `.cache_write_tokens`, `output_tokens`, `total_tokens`) becomes the turn's usage. It runs the
 * function calls for real and sends the next request with their `function_call_output`.
 *
 * The test's responder picks each reply from the conversation it receives; every request and every
 * usage served is recorded, so a test can compare what braid reports with what was really served.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

interface ServedUsage {
  /** All input tokens, cached and cache-written ones included (OpenAI style). */
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Json;
  /** The user messages' texts, oldest first (Codex adds its own environment context as one). */
  userTexts: string[];
  /** Results of the tool calls so far, oldest first. */
  toolOutputs: Array<{ callId: string; output: string }>;
}

interface Reply {
  items: Json[];
  /** Defaults to a different figure per request, so sums over several requests mean something. */
  usage?: ServedUsage;
}

export type Responder = (request: ReceivedRequest) => Reply;

export interface ResponsesApi {
  /** For a provider's `base_url`: ends in `/v1`, Codex appends `/responses`. */
  baseUrl: string;
  requests: ReceivedRequest[];
  served: ServedUsage[];
  /** What braid should report for all of it: input without the cached and cache-written part. */
  servedTokens(): { input: number; output: number; cacheCreation: number; cacheRead: number };
  close(): Promise<void>;
}

/** An assistant message that ends the turn. */
export function message(text: string): Json {
  return {
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

/** A call of Codex's `exec_command` tool: it runs `cmd` in the session's folder (through its sandbox). */
export function shellCall(callId: string, cmd: string): Json {
  return {
    type: 'function_call',
    status: 'completed',
    call_id: callId,
    name: 'exec_command',
    arguments: JSON.stringify({ cmd }),
  };
}

function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((c) => (c && typeof c.text === 'string' ? [c.text as string] : []));
}

function parseRequest(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  raw: string,
): ReceivedRequest {
  let body: Json = {};
  try {
    body = raw ? (JSON.parse(raw) as Json) : {};
  } catch {
    body = { unparsed: raw };
  }
  const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
  return {
    method,
    path,
    headers,
    body,
    userTexts: input.filter((i) => i.role === 'user').flatMap((i) => texts(i.content)),
    toolOutputs: input
      .filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output')
      .map((i) => ({
        callId: String(i.call_id),
        output: typeof i.output === 'string' ? i.output : JSON.stringify(i.output),
      })),
  };
}

function usageJson(u: ServedUsage): Json {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached, cache_write_tokens: u.cacheWrite },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.input + u.output,
  };
}

function sse(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** The whole streamed answer to one request. */
function stream(n: number, model: unknown, reply: Reply, usage: ServedUsage): string {
  const id = `resp_${n}`;
  const items = reply.items.map((item, i) => ({ id: `item_${n}_${i}`, ...item }));
  const base = { id, object: 'response', model, created_at: Math.floor(Date.now() / 1000) };
  let out = sse('response.created', { response: { ...base, status: 'in_progress', output: [] } });
  items.forEach((item, i) => {
    out += sse('response.output_item.added', { output_index: i, item });
    out += sse('response.output_item.done', { output_index: i, item });
  });
  out += sse('response.completed', {
    response: { ...base, status: 'completed', output: items, usage: usageJson(usage) },
  });
  return out;
}

/** Starts the server; `respond` chooses every reply from the conversation received. */
export async function startResponsesApi(respond: Responder): Promise<ResponsesApi> {
  const requests: ReceivedRequest[] = [];
  const served: ServedUsage[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const request = parseRequest(req.method ?? 'GET', path, req.headers, Buffer.concat(chunks).toString());
      requests.push(request);
      if (req.method !== 'POST' || !path.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no ${req.method} ${path} here`, type: 'not_found' } }));
        return;
      }
      let reply: Reply;
      try {
        reply = respond(request);
      } catch (err) {
        reply = { items: [message(`the test's responder failed: ${(err as Error).message}`)] };
      }
      const n = served.length + 1;
      const usage = reply.usage ?? {
        input: 1000 + 101 * n,
        cached: 300 + 7 * n,
        cacheWrite: 40 + n,
        output: 50 + 3 * n,
      };
      served.push(usage);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(stream(n, request.body.model, reply, usage));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    served,
    servedTokens() {
      const sum = (f: (u: ServedUsage) => number) => served.reduce((acc, u) => acc + f(u), 0);
      return {
        input: sum((u) => u.input - u.cached - u.cacheWrite),
        output: sum((u) => u.output),
        cacheCreation: sum((u) => u.cacheWrite),
        cacheRead: sum((u) => u.cached),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
