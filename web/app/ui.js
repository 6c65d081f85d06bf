// Small DOM pieces shared by the panels: progress status, errors in words, tables of JSON results, downloads.

export const $ = (id) => document.getElementById(id);

// Creates an element: el('li', {className: 'x', dir: 'auto'}, 'text', childNode, ...).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') node.className = v;
    else if (k === 'onclick') node.addEventListener('click', v);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// Replaces a node's children, leaving out the null/false/undefined that optional parts evaluate to
// (replaceChildren itself would show them as the text "null").
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

let busyCount = 0;
// Runs `work` with a "Working…" status (aria-live) and turns any failure into a visible message.
export async function withProgress(label, work) {
  busyCount++;
  setStatus(`Working: ${label}…`, true);
  clearError();
  try {
    const result = await work();
    return result;
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    busyCount--;
    if (busyCount === 0) setStatus('Ready.', false);
  }
}

export function setStatus(text, busy) {
  $('status-text').textContent = text;
  document.querySelector('#status .spinner').hidden = !busy;
  document.body.setAttribute('aria-busy', busy ? 'true' : 'false');
}

// The service's own words when it gave them ({"error":{"code","message"}}), plus what it means for the planner.
export function errorText(e) {
  if (e?.name === 'ApiError') {
    if (e.status === 501 || e.code === 'not_implemented') return `Not available yet on this server: ${e.message}`;
    return `${e.message}${e.code && !e.code.startsWith('http_') ? ` (${e.code})` : ''}`;
  }
  return e?.message ?? String(e);
}

export function showError(e) {
  $('error-text').textContent = errorText(e);
  $('error').hidden = false;
}

export function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}

export const fmtHours = (h) => {
  if (!Number.isFinite(h)) return '—';
  const whole = Math.floor(h), min = Math.round((h - whole) * 60);
  return min === 60 ? `${whole + 1} h 00 min` : `${whole} h ${String(min).padStart(2, '0')} min`;
};
export const fmtKm = (km) => (Number.isFinite(km) ? `${km.toFixed(km < 10 ? 1 : 0)} km` : '—');

// A readable table for any JSON value (summary blocks whose exact shape the page does not need to know).
export function jsonTable(value) {
  if (value === null || value === undefined) return el('span', {}, '—');
  if (typeof value !== 'object') {
    return el('span', { dir: 'auto' }, typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : String(value));
  }
  if (Array.isArray(value)) {
    if (value.length && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const cols = [...new Set(value.flatMap((v) => Object.keys(v)))];
      return el('table', { className: 'kv' },
        el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, value.map((row) => el('tr', {}, cols.map((c) => el('td', {}, jsonTable(row[c])))))));
    }
    return el('span', { dir: 'auto' }, value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', '));
  }
  return el('table', { className: 'kv' }, el('tbody', {},
    Object.entries(value).map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, jsonTable(v))))));
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Brings a panel's fresh result into view (the panel scrolls on its own, below the map on narrow screens).
export function reveal(id) {
  $(id)?.scrollIntoView({ block: 'nearest', behavior: 'auto' });
}
