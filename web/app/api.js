// The Aras HTTP API as the page uses it: one place that knows paths, parameter names and the error body.

// An answer other than 2xx, carrying the service's {"error":{"code","message"}} in words.
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
  // 501/503 without a specific cause: the endpoint exists but its engine is not there yet.
  get unavailable() { return this.status === 501 || this.code === 'not_implemented' || this.code === 'unavailable'; }
}

function queryString(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function errorFrom(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body && body.error) {
      return new ApiError(response.status, body.error.code ?? 'error', body.error.message ?? text, body.error.details);
    }
  } catch { /* not JSON: fall through to the raw text */ }
  // Not the service's error body (a proxy, a static server): its text without markup, briefly.
  const words = text.replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ').trim().slice(0, 160) || response.statusText;
  return new ApiError(response.status, 'http_' + response.status, `HTTP ${response.status}: ${words}`);
}

// Sends one request; JSON (or GeoJSON) back, or a Blob when `asBlob`. Network failures become ApiError too.
export async function request(path, { method = 'GET', query, body, asBlob = false, signal } = {}) {
  const init = { method, headers: {}, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  init.headers.Accept = asBlob ? '*/*' : 'application/geo+json, application/json';
  let response;
  try {
    response = await fetch(path + queryString(query), init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', `The Aras service cannot be reached (${e.message}).`);
  }
  if (!response.ok) throw await errorFrom(response);
  if (asBlob) return response.blob();
  if (response.status === 204) return null;
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'bad_response', `The service answered ${path} with something that is not JSON.`);
  }
}

// "lon,lat" as typed by a planner or produced by a map click; null when it is not a coordinate pair.
export function parseLonLat(text) {
  const m = String(text).trim().match(/^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/);
  if (!m) return null;
  const lon = Number(m[1]), lat = Number(m[2]);
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) return null;
  return [lon, lat];
}

export const formatLonLat = ([lon, lat]) => `${lon.toFixed(5)},${lat.toFixed(5)}`;

// Features of a geocode answer, whatever container the service chose.
function featuresOf(answer) {
  if (Array.isArray(answer)) return answer;
  if (answer?.type === 'FeatureCollection') return answer.features ?? [];
  return answer?.results ?? answer?.features ?? [];
}

export async function geocode(q, { limit = 8, signal } = {}) {
  return featuresOf(await request('/geocode', { query: { q, limit }, signal }));
}

export async function collection(id, limit = 10000) {
  return request(`/collections/${encodeURIComponent(id)}/items`, { query: { limit } });
}

// The JSON body of POST /route (docs/openapi.yaml: Location + Costing) for the page's state.
export function routeBody({ from, to, alternatives = 0, closed = [], reopened = [], hazards = [] }) {
  return {
    from, to,
    ...(alternatives ? { alternatives } : {}),
    ...costingOf({ closed, reopened, hazards }),
  };
}

// Costing members: crossings the planner closed or reopened, hazard areas (hard, or soft with a factor).
function costingOf({ closed = [], reopened = [], hazards = [] }) {
  const c = {};
  if (closed.length) c.closed_crossings = closed;
  if (reopened.length) c.reopened_crossings = reopened;
  if (hazards.length) {
    c.hazards = hazards.map((h) => ({ area: h.geometry, name: h.name, hard: h.hard,
      ...(h.hard ? {} : { penalty_factor: h.penalty_factor }) }));
  }
  return c;
}

export const route = (params, opts = {}) => request('/route', { method: 'POST', body: routeBody(params), ...opts });

export function isochroneBody({ from, hours, closed = [], reopened = [], hazards = [] }) {
  return { from, hours, ...costingOf({ closed, reopened, hazards }) };
}
export const isochrone = (params) => request('/isochrone', { method: 'POST', body: isochroneBody(params) });

export const geoparse = (text) => request('/geoparse', { method: 'POST', body: { text } });
export const corridors = (scenario) => request('/corridors', { method: 'POST', body: scenario });
export const compare = (a, b) => request('/compare', { method: 'POST', body: { a, b } });

// The scenario store (POST/GET/DELETE /scenarios): documents kept by the service, shared by its replicas.
export const saveScenario = (scenario) => request('/scenarios', { method: 'POST', body: scenario });
export async function listScenarios() {
  const answer = await request('/scenarios');
  // Newest first, as documented, whatever order the store behind the service lists them in.
  return [...(answer?.scenarios ?? [])].sort((a, b) =>
    String(b.created ?? '').localeCompare(String(a.created ?? '')) || String(b.id).localeCompare(String(a.id)));
}
export const getScenario = (id) => request(`/scenarios/${encodeURIComponent(id)}`);
export const deleteScenario = (id) => request(`/scenarios/${encodeURIComponent(id)}`, { method: 'DELETE' });

// Endpoints that hand a result over as a GeoPackage file with ?format=gpkg (docs/openapi.yaml); the others
// answer GeoJSON only.
export const GPKG_PATHS = new Set(['/route', '/isochrone', '/corridors']);
