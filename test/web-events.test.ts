import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BraidEvent } from '../src/core/events.js';
import type { Project } from '../src/project/project.js';
import { appendEvent } from '../src/store/events.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
let project: Project;
let server: WebServer;

beforeAll(async () => {
  repo = await tempRepo();
  project = await projectFor(repo.dir);
  server = await startWebServer(project, { live: { pollMs: 100 } });
});

afterAll(async () => {
  await server?.close();
  project?.close();
  repo?.cleanup();
});

/** Reads the server-sent events stream until `done` says what arrived is enough (or 15 s pass). */
function readStream(port: number, token: string, done: (named: Array<[string, string]>) => boolean) {
  return new Promise<Array<[string, string]>>((resolve, reject) => {
    const named: Array<[string, string]> = [];
    const req = request(
      { host: '127.0.0.1', port, path: '/api/events', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const name = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (name && data) named.push([name, data]);
          }
          if (done(named)) {
            clearTimeout(timer);
            req.destroy();
            resolve(named);
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the stream sent only: ${named.map(([n]) => n).join(', ')}`));
    }, 15_000);
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.end();
  });
}

describe('the web feed', () => {
  it('pushes the union events recorded after the page connected, typed, beside the snapshots', async () => {
    appendEvent(project.store, 'alpha', 'land.queued', { entry: 1 });
    let recorded = false;
    const named = await readStream(server.port, server.token, (blocks) => {
      // The first snapshot says the page is connected: what is recorded from then on is pushed.
      if (!recorded && blocks.some(([n]) => n === 'snapshot')) {
        appendEvent(project.store, 'alpha', 'land.landed', { commit: 'abc', mainBefore: 'def' });
        recorded = true;
      }
      return blocks.some(([n, d]) => n === 'events' && d.includes('land.landed'));
    });
    const pushed = named.filter(([n]) => n === 'events').flatMap(([, d]) => JSON.parse(d) as BraidEvent[]);
    expect(pushed.map((e) => e.kind)).toEqual(['land.landed']);
    expect(pushed[0]).toMatchObject({ task: 'alpha', data: { commit: 'abc', mainBefore: 'def' } });
  });
});
