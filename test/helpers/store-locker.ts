import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Another process holding braid's store in an exclusive write transaction until released. */
export interface StoreLocker {
  release(): Promise<void>;
}

const HOLDER = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\\n');
process.stdin.resume();
process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
`;

/** Resolves once the other process holds the lock; release() closes its stdin and waits for it to exit. */
export async function lockStore(file: string): Promise<StoreLocker> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', HOLDER, require.resolve('better-sqlite3'), file],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the store locker exited ${code} before locking`)));
  });
  return {
    release: async () => {
      child.stdin?.end();
      await exited;
    },
  };
}
