// Shared by the browser tests: a real `aras serve --port 0`, Debian chromium through playwright-core, screenshots.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '..', '..');
export const artifacts = join(here, 'artifacts');
export const CHROMIUM = process.env.ARAS_CHROMIUM ?? '/usr/bin/chromium';

// Why the browser tests cannot run here (the only reason they may skip), or null.
export function skipReason() {
  if (!existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (apt-get install chromium); browser tests skipped`;
  return null;
}

export function arasBinary() {
  const bin = process.env.ARAS_BINARY ?? join(repo, 'build', 'aras');
  if (!existsSync(bin)) throw new Error(`aras binary not found at ${bin} (build it, or set ARAS_BINARY)`);
  return bin;
}

// Starts the service on an ephemeral loopback port; resolves when it printed `listening on http://…`.
// Under run.mjs (ARAS_WEB_URL set) every file shares the one server it started, with a throwaway scenario store.
export async function startServer({ timeoutMs = 240000, extraArgs = [] } = {}) {
  if (process.env.ARAS_WEB_URL) return { url: process.env.ARAS_WEB_URL.replace(/\/$/, ''), log: [], async stop() {} };
  const child = spawn(arasBinary(), ['serve', '--host', '127.0.0.1', '--port', '0', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  const log = [];
  const keep = (chunk) => {
    log.push(...chunk.toString().split('\n').filter(Boolean));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stderr.on('data', keep);
  const url = await new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aras serve printed no 'listening on' line within ${timeoutMs} ms; stderr:\n${log.slice(-20).join('\n')}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`aras serve exited (${code ?? signal}) before listening; stderr:\n${log.slice(-20).join('\n')}`));
    });
  });
  child.removeAllListeners('exit');
  child.stdout.resume();
  return {
    url,
    log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Chromium headless without a GPU: SwiftShader gives MapLibre a software WebGL context.
export async function launchBrowser() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed: run 'npm ci' in tests/web (${e.message})`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

// For flows that happen in the panel only (errors, comparison tables, the scenario store, suggestions): a page
// without WebGL loads in about half the time, and the WebGL map is covered by the other tests.
export const PANEL_ONLY = Object.freeze({ noWebGL: true });

// The base layers do not change while a test file runs, and every fresh page asks for them (about 8 MB of
// GeoJSON): the first page of a file gets them from the service, later pages get the same answer from here.
const baseLayers = new Map();  // URL -> Promise<{status, headers, body}>
async function baseLayer(route) {
  const key = route.request().url();
  if (!baseLayers.has(key)) {
    const answer = route.fetch().then(async (r) => {
      // The body comes decoded; the length and encoding of the wire no longer apply.
      const headers = Object.fromEntries(Object.entries(r.headers())
        .filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(k.toLowerCase())));
      return { status: r.status(), headers, body: await r.body() };
    });
    baseLayers.set(key, answer);
    answer.then((a) => { if (a.status !== 200) baseLayers.delete(key); }, () => baseLayers.delete(key));
  }
  let answer;
  try {
    answer = await baseLayers.get(key);
  } catch {
    return route.continue();  // the page that fetched it went away first: ask the service again
  }
  return route.fulfill(answer);
}

// A fresh page on the served web client, waited until its base layers are loaded (or failed visibly).
// Requests leaving loopback are aborted and recorded: the page must need no internet.
export async function openPage(browser, url, { width = 1280, height = 800, noWebGL = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  if (noWebGL) {
    // A browser without WebGL (old GPU, locked-down machine): every WebGL context request fails.
    await page.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
        return /webgl/i.test(type) ? null : original.call(this, type, ...rest);
      };
    });
  }
  const external = [];
  const consoleErrors = [];
  await page.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1' || u.hostname === 'localhost') {
      if (route.request().method() === 'GET' && /^\/collections\/[^/]+\/items$/.test(u.pathname)) return baseLayer(route);
      return route.continue();
    }
    external.push(u.href);
    return route.abort();
  });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url + '/', { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready=true]', { timeout: 120000 });
  return { page, context, external, consoleErrors };
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

// The status of GET/POST on an endpoint; lets a test tell "not implemented yet" (501/503) from a real failure.
export async function probe(url, path, init = {}) {
  const r = await fetch(url + path, init);
  let body = null;
  try { body = await r.json(); } catch { /* not JSON */ }
  return { status: r.status, body };
}

// Skip message when the service says the endpoint's engine is not there yet; null when it is implemented.
export function notImplemented({ status, body }, what) {
  if (status === 501 || (status === 503 && body?.error?.code === 'unavailable')) {
    return `${what}: the service answers ${status} (${body?.error?.message ?? 'not implemented'}); flow not testable yet`;
  }
  return null;
}

// Visible error text of the page ('' when none).
export async function errorShown(page) {
  return (await page.locator('#error:not([hidden]) #error-text').textContent({ timeout: 1000 }).catch(() => '')) ?? '';
}

// Waits until the map has drawn everything it was given (no-op without a WebGL map).
export async function mapIdle(page, timeoutMs = 20000) {
  await page.evaluate(async (ms) => {
    const m = window.aras?.map?.map;
    if (!m) return;
    await new Promise((r) => { m.once('idle', r); m.triggerRepaint(); setTimeout(r, ms); });
  }, timeoutMs);
}

// Features in a GeoPackage's (first) layer, read by GDAL's ogrinfo; null when ogrinfo is not installed.
export async function gpkgFeatureCount(path) {
  const ogrinfo = ['/usr/bin/ogrinfo', '/usr/local/bin/ogrinfo'].find((p) => existsSync(p));
  if (!ogrinfo) return null;
  const out = await new Promise((resolvePromise, reject) => {
    execFile(ogrinfo, ['-ro', '-so', '-al', path], { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ogrinfo ${path}: ${stderr || err.message}`));
      else resolvePromise(stdout);
    });
  });
  const m = out.match(/Feature Count: (\d+)/);
  if (!m) throw new Error(`ogrinfo found no layer in ${path}`);
  return Number(m[1]);
}
