// Runs every browser test file (*.test.mjs, one at a time) against ONE `aras serve` started here, with a
// throwaway scenario store, instead of one server per file: the service's start-up is the slowest part of a file.
// `node --test` alone still works: each file then starts its own server (harness.mjs startServer).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { here, skipReason, startServer } from './harness.mjs';

const files = (await readdir(here)).filter((f) => f.endsWith('.test.mjs')).sort();
let server = null;
let store = null;
const env = { ...process.env };
if (!skipReason()) {
  store = await mkdtemp(join(tmpdir(), 'aras-web-scenarios-'));
  server = await startServer({ extraArgs: ['--scenario-store', store] });
  env.ARAS_WEB_URL = server.url;
}
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
    { cwd: here, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await server?.stop();
if (store) await rm(store, { recursive: true, force: true });
process.exit(code);
