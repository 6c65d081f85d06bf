// The planner's page: wires the panels to the Aras API and the map; state lives here, in one object.
import * as api from './api.js';
import { MapView, circlePolygon } from './map.js';
import { $, el, fill, withProgress, setStatus, showError, clearError, errorText, fmtHours, fmtKm, jsonTable, saveBlob, reveal } from './ui.js';
import { loadBaseLayers } from './layers.js';
import { defaultScenario, scenarioWithMapState, withCrossingClosed } from './scenario.js';

const state = {
  crossings: [],            // {id, name, name_a, name_b, country_a, country_b, status, lonLat}
  closed: new Set(),        // crossing ids closed by the planner
  reopened: new Set(),      // crossing ids whose layer status is closed but the planner opened
  hazards: [],              // {id, name, geometry, hard, penalty_factor, centre?, radius_km?}
  from: null, to: null,     // {label, lonLat}
  lastRouteParams: null,
  lastResult: null,         // {label, filename, data, request: {path, method, query, body}}
  pick: null,               // what the next map click sets: from | to | iso | circle | polygon
  draft: [],                // polygon corners being drawn
};

const mapView = new MapView($('map'), $('map-message'));
window.aras = { state, map: mapView, ready: null };

// ---------------------------------------------------------------- crossings

function crossingState(c) {
  if (state.closed.has(c.id)) return 'closed-by-planner';
  if (state.reopened.has(c.id)) return 'reopened';
  return c.status === 'open' || c.status === 'closed' ? c.status : (c.status || 'unknown');
}
const STATE_WORDS = { open: 'open', closed: 'closed', 'closed-by-planner': 'closed (by you)', reopened: 'reopened (by you)' };
const isClosed = (c) => ['closed', 'closed-by-planner'].includes(crossingState(c));

function renderCrossings() {
  const list = $('crossing-list');
  list.replaceChildren(...state.crossings.map((c) => {
    const s = crossingState(c);
    const cls = s.startsWith('closed') ? 'closed' : (s === 'open' || s === 'reopened' ? 'open' : 'other');
    return el('li', { 'data-crossing-id': c.id, 'data-state': s },
      el('span', { className: 'name', dir: 'auto' }, c.name, el('span', { className: 'meta' }, ` ${c.country_a}–${c.country_b}`)),
      el('span', { className: `badge ${cls}`, 'data-role': 'status' }, STATE_WORDS[s] ?? s),
      el('button', { type: 'button', className: 'small', onclick: () => toggleCrossing(c.id),
        'aria-label': `${isClosed(c) ? 'Reopen' : 'Close'} ${c.name}` }, isClosed(c) ? 'Reopen' : 'Close'));
  }));
  mapView.setData('crossing-points', {
    type: 'FeatureCollection',
    features: state.crossings.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c.lonLat },
      properties: { id: c.id, name: c.name, status: c.status, state: crossingState(c) } })),
  });
}

async function toggleCrossing(id) {
  const c = state.crossings.find((x) => x.id === id);
  if (!c) return;
  if (state.closed.has(id)) state.closed.delete(id);
  else if (state.reopened.has(id)) state.reopened.delete(id);
  else if (c.status === 'closed') state.reopened.add(id);
  else state.closed.add(id);
  renderCrossings();
  setStatus(`${c.name} is now ${STATE_WORDS[crossingState(c)] ?? crossingState(c)}.`, false);
  if (state.lastRouteParams) await runRoute();
}

// ---------------------------------------------------------------- places and endpoints

async function resolvePlace(text, what) {
  const t = text.trim();
  if (!t) throw new Error(`Give the ${what}: a place name or lon,lat (or pick it on the map).`);
  const ll = api.parseLonLat(t);
  if (ll) return { label: api.formatLonLat(ll), lonLat: ll };
  const found = await api.geocode(t, { limit: 1 });
  if (!found.length) throw new Error(`No place matches '${t}' (${what}).`);
  return { label: placeLabel(found[0]), lonLat: found[0].geometry.coordinates };
}

function placeLabel(f) {
  const p = f.properties ?? {};
  return [p.name, p.country].filter(Boolean).join(', ');
}

function showEndpoints() {
  const items = [];
  for (const which of ['from', 'to']) {
    const p = state[which];
    if (p) items.push({ lonLat: p.lonLat, el: el('div', { className: `endpoint ${which}`, title: `${which}: ${p.label}` }) });
  }
  mapView.setMarkers('endpoints', items);
}

// ---------------------------------------------------------------- search with suggestions

let searchTimer = null;
let searchAbort = null;
async function suggest() {
  const q = $('search-q').value.trim();
  searchAbort?.abort();
  if (q.length < 2) { $('search-results').replaceChildren(); return; }
  searchAbort = new AbortController();
  try {
    const features = await api.geocode(q, { limit: 8, signal: searchAbort.signal });
    clearError();
    if (!features.length) {
      $('search-results').replaceChildren(el('li', { className: 'empty', dir: 'auto' }, `No place matches '${q}'.`));
      return;
    }
    $('search-results').replaceChildren(...features.map((f) => {
      const p = f.properties ?? {};
      const label = placeLabel(f);
      const set = (which) => () => {
        state[which] = { label, lonLat: f.geometry.coordinates, inputText: p.name ?? label };
        $(`route-${which}`).value = p.name ?? label;
        showEndpoints();
      };
      return el('li', {},
        el('span', { className: 'name', dir: 'auto' }, p.name ?? '?',
          p.matched && p.matched !== p.name ? el('span', { className: 'meta', dir: 'auto', 'data-role': 'matched' }, p.matched) : null,
          el('span', { className: 'meta' }, ` ${[p.kind, p.country].filter(Boolean).join(' · ')}`)),
        el('button', { type: 'button', className: 'small', onclick: () => mapView.flyTo(f.geometry.coordinates, 10),
          'aria-label': `Show ${p.name} on the map` }, 'Show'),
        el('button', { type: 'button', className: 'small', onclick: set('from'), 'aria-label': `Route from ${p.name}` }, 'From'),
        el('button', { type: 'button', className: 'small', onclick: set('to'), 'aria-label': `Route to ${p.name}` }, 'To'));
    }));
  } catch (e) {
    if (e.name !== 'AbortError') showError(e);
  }
}

// ---------------------------------------------------------------- route

function endpointFromInput(which) {
  const text = $(`route-${which}`).value;
  const p = state[which];
  // A place chosen from the suggestions or the map keeps its coordinates while the input still shows it.
  return p && p.inputText === text ? p : null;
}

async function runRoute() {
  await withProgress('route', async () => {
    for (const which of ['from', 'to']) {
      const kept = endpointFromInput(which);
      if (!kept) {
        state[which] = await resolvePlace($(`route-${which}`).value, which === 'from' ? 'origin' : 'destination');
      }
      state[which].inputText = $(`route-${which}`).value;
    }
    showEndpoints();
    const params = {
      from: state.from.lonLat, to: state.to.lonLat,
      alternatives: Number($('route-alternatives').value) || 0,
      closed: [...state.closed], reopened: [...state.reopened], hazards: state.hazards,
    };
    state.lastRouteParams = params;
    let fc;
    try {
      fc = await api.route(params);
    } catch (e) {
      mapView.setData('routes', null);
      $('route-summary').replaceChildren(el('p', { className: 'hint', dir: 'auto' }, `No route shown: ${e.message}`));
      throw e;
    }
    renderRoute(fc);
    reveal('route-summary');
    setResult('route', 'aras-route', fc, { path: '/route', method: 'POST', body: api.routeBody(params) });
  });
}

function renderRoute(fc) {
  const features = fc.features ?? [];
  mapView.setData('routes', fc);
  mapView.fitTo(fc);
  const closedNote = [...state.closed].map((id) => state.crossings.find((c) => c.id === id)?.name ?? id);
  fill($('route-summary'),
    ...features.map((f, i) => {
      const p = f.properties ?? {};
      const rank = p.rank ?? i;
      const crossings = p.crossings ?? [];
      return el('div', { className: `route-card${rank > 0 ? ' alt' : ''}`, 'data-rank': rank,
        'data-duration-h': p.duration_h, 'data-distance-km': p.distance_km },
        el('div', { className: 'big' }, rank === 0 ? 'Best route: ' : `Alternative ${rank}: `,
          el('span', { 'data-role': 'duration' }, fmtHours(p.duration_h)), ' · ',
          el('span', { 'data-role': 'distance' }, fmtKm(p.distance_km))),
        el('div', { dir: 'auto' }, 'Crossings: ',
          el('span', { 'data-role': 'crossings' }, crossings.length ? crossings.join(', ') : 'none')),
        p.countries?.length ? el('div', { className: 'meta' }, `Countries: ${p.countries.join(' → ')}`) : null,
        p.refs?.length ? el('div', { className: 'meta' }, `Roads: ${p.refs.filter(Boolean).slice(0, 12).join(', ')}`) : null);
    }),
    closedNote.length ? el('p', { className: 'hint' }, `Closed by you: ${closedNote.join(', ')}`) : null,
    state.hazards.length ? el('p', { className: 'hint' }, `Avoiding ${state.hazards.length} hazard zone(s).`) : null);
  if (!features.length) $('route-summary').replaceChildren(el('p', { className: 'hint' }, 'The service returned no route.'));
}

// ---------------------------------------------------------------- hazards

function renderHazards() {
  mapView.setData('hazards', {
    type: 'FeatureCollection',
    features: state.hazards.map((h) => ({ type: 'Feature', geometry: h.geometry, properties: { name: h.name, hard: h.hard } })),
  });
  $('hazard-list').replaceChildren(...state.hazards.map((h) => el('li', { 'data-hazard-id': h.id },
    el('span', { className: 'name' }, h.name,
      el('span', { className: 'meta' }, h.hard ? ' · hard' : ` · soft ×${h.penalty_factor}`)),
    el('button', { type: 'button', className: 'small', 'aria-label': `Remove ${h.name}`,
      onclick: async () => {
        state.hazards = state.hazards.filter((x) => x !== h);
        renderHazards();
        if (state.lastRouteParams) await runRoute();
      } }, 'Remove'))));
}

let hazardSeq = 0;
async function addHazard(geometry, extra = {}) {
  const hard = $('hazard-hard').checked;
  const factor = Math.max(1, Number($('hazard-factor').value) || 1);
  hazardSeq++;
  state.hazards.push({ id: `h${hazardSeq}`, name: extra.name ?? `Hazard ${hazardSeq}`, geometry, hard,
    penalty_factor: hard ? 1 : factor, ...extra });
  renderHazards();
  if (state.lastRouteParams) await runRoute();
}

function finishPolygon() {
  if (state.draft.length < 3) {
    showError(new Error('A hazard polygon needs at least three corners.'));
    return;
  }
  const ring = [...state.draft, state.draft[0]];
  // RFC 7946: exterior rings counter-clockwise (shoelace sign).
  let area = 0;
  for (let i = 0; i + 1 < ring.length; i++) area += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  if (area < 0) ring.reverse();
  state.draft = [];
  setPick(null);
  mapView.setData('draft', null);
  addHazard({ type: 'Polygon', coordinates: [ring] });
}

function renderDraft() {
  const d = state.draft;
  mapView.setData('draft', { type: 'FeatureCollection', features: [
    ...d.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: {} })),
    ...(d.length > 1 ? [{ type: 'Feature', geometry: { type: 'LineString', coordinates: d }, properties: {} }] : []),
  ] });
}

// ---------------------------------------------------------------- map clicks

const PICK_HINTS = {
  from: 'Click the map to set the origin (Esc cancels).', to: 'Click the map to set the destination (Esc cancels).',
  iso: 'Click the map to set the isochrone origin (Esc cancels).', circle: 'Click the centre of the hazard circle (Esc cancels).',
  polygon: 'Click the corners of the hazard polygon, then "Finish polygon" (Esc cancels).',
};

function setPick(mode) {
  state.pick = mode;
  $('pick-hint').hidden = !mode;
  $('pick-hint').textContent = mode ? PICK_HINTS[mode] : '';
  mapView.setCursor(Boolean(mode));
  $('hazard-circle').setAttribute('aria-pressed', String(mode === 'circle'));
  $('hazard-polygon').setAttribute('aria-pressed', String(mode === 'polygon'));
  $('hazard-finish').disabled = mode !== 'polygon';
  if (!mode) { state.draft = []; mapView.setData('draft', null); }
  if (mode && !mapView.hasMap) showError(new Error('There is no map to click on; type lon,lat instead.'));
}

mapView.onClick(async ({ lonLat, crossing }) => {
  const text = api.formatLonLat(lonLat);
  switch (state.pick) {
    case 'from': case 'to':
      state[state.pick] = { label: text, lonLat, inputText: text };
      $(`route-${state.pick}`).value = text;
      showEndpoints();
      setPick(null);
      return;
    case 'iso':
      $('iso-from').value = text;
      setPick(null);
      return;
    case 'circle': {
      const r = Number($('hazard-radius').value);
      if (!(r > 0)) { showError(new Error('Give the hazard radius in km (a positive number).')); return; }
      setPick(null);
      await addHazard(circlePolygon(lonLat, r), { centre: lonLat, radius_km: r, name: `Circle ${r} km at ${text}` });
      return;
    }
    case 'polygon':
      state.draft.push(lonLat);
      renderDraft();
      return;
    default:
      if (crossing) await toggleCrossing(crossing.id);
  }
});

// ---------------------------------------------------------------- isochrones

async function runIsochrone() {
  await withProgress('isochrone', async () => {
    const origin = await resolvePlace($('iso-from').value, 'isochrone origin');
    const hours = $('iso-hours').value.split(/[ ,;]+/).map(Number).filter((h) => h > 0);
    if (!hours.length) throw new Error('Give one or more positive numbers of hours, e.g. 1,2,4.');
    const params = { from: origin.lonLat, hours, closed: [...state.closed], reopened: [...state.reopened], hazards: state.hazards };
    const fc = await api.isochrone(params);
    mapView.setData('isochrones', fc);
    mapView.fitTo(fc);
    $('iso-summary').replaceChildren(...(fc.features ?? []).map((f) => el('div', { 'data-hours': f.properties?.hours },
      `${f.properties?.hours} h: ${f.properties?.reached_km !== undefined ? fmtKm(f.properties.reached_km) + ' of road reached' : 'area shown'}`)));
    setResult(`isochrones from ${origin.label}`, 'aras-isochrone', fc,
      { path: '/isochrone', method: 'POST', body: api.isochroneBody(params) });
  });
}

// ---------------------------------------------------------------- geoparse

async function runGeoparse() {
  await withProgress('finding places in the document', async () => {
    const text = $('doc-text').value;
    if (!text.trim()) throw new Error('Paste a document first.');
    const fc = await api.geoparse(text);
    renderGeoparse(text, fc);
    reveal('doc-view');
    setResult('places in the document', 'aras-geoparse', fc, { path: '/geoparse', method: 'POST', body: { text } });
  });
}

function renderGeoparse(text, fc) {
  const chars = Array.from(text);  // offsets are in code points
  const features = (fc.features ?? []).filter((f) => Number.isInteger(f.properties?.start));
  features.sort((a, b) => a.properties.start - b.properties.start);
  const parts = [];
  let at = 0;
  features.forEach((f, i) => {
    const { start, end } = f.properties;
    if (start < at || end > chars.length || end <= start) return;  // overlapping or out of range: list only
    parts.push(chars.slice(at, start).join(''));
    parts.push(el('mark', { className: `place${f.geometry ? '' : ' unresolved'}`, dir: 'auto', 'data-index': i,
      title: placeLabel(f), tabindex: 0,
      onclick: () => f.geometry && mapView.flyTo(f.geometry.coordinates, 9) }, chars.slice(start, end).join('')));
    at = end;
  });
  parts.push(chars.slice(at).join(''));
  $('doc-view').replaceChildren(...parts);
  const located = (fc.features ?? []).filter((f) => f.geometry?.type === 'Point');
  $('doc-places').replaceChildren(...(fc.features ?? []).map((f) => {
    const p = f.properties ?? {};
    return el('li', {},
      el('span', { className: 'name', dir: 'auto' }, p.mention ?? p.name,
        el('span', { className: 'meta', dir: 'auto' }, ` → ${placeLabel(f) || 'not located'}`
          + (p.confidence !== undefined ? ` · ${Math.round(p.confidence * 100)} %` : ''))),
      f.geometry ? el('button', { type: 'button', className: 'small', onclick: () => mapView.flyTo(f.geometry.coordinates, 9),
        'aria-label': `Show ${p.name ?? p.mention} on the map` }, 'Show') : null);
  }));
  if (!fc.features?.length) $('doc-places').replaceChildren(el('li', {}, 'No places found in this document.'));
  mapView.setMarkers('geoparse', located.map((f) => ({ lonLat: f.geometry.coordinates,
    el: el('div', { className: 'pin', title: `${f.properties?.mention ?? ''} → ${placeLabel(f)}` }),
    popup: el('div', { dir: 'auto' }, el('strong', {}, f.properties?.mention ?? ''), el('br'), placeLabel(f)) })));
  $('doc-view').dataset.pins = String(located.length);
  if (located.length) mapView.fitTo({ type: 'FeatureCollection', features: located }, 60);
}

// ---------------------------------------------------------------- scenarios, corridors, comparison

function readScenario(id) {
  const text = $(id).value.trim();
  if (!text) throw new Error(`Scenario ${id.endsWith('a') ? 'A' : 'B'} is empty.`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Scenario ${id.endsWith('a') ? 'A' : 'B'} is not valid JSON: ${e.message}`);
  }
}

async function runCorridors() {
  await withProgress('corridors', async () => {
    const scenario = readScenario('scenario-a');
    const fc = await api.corridors(scenario);
    // The summary appears once the corridors are on the map, so what the planner reads is what the map shows.
    await mapView.setData('corridors', fc);
    await mapView.fitTo(fc);
    await mapView.drawn();
    renderCorridors(fc);
    reveal('corridor-summary');
    setResult('corridors', 'aras-corridors', fc, { path: '/corridors', method: 'POST', body: scenario });
  });
}

// The evacuation plan: routes that carry people, then per-crossing load and clearance (the `summary` member).
function renderCorridors(fc) {
  const routes = (fc.features ?? []).filter((f) => f.geometry?.type === 'LineString');
  const used = routes.filter((f) => (f.properties?.people ?? 0) > 0 || f.properties?.role === 'chosen');
  const rows = used.map((f) => {
    const p = f.properties ?? {};
    return { origin: p.origin, crossing: p.destination_crossing ?? p.crossings?.join(', '), role: p.role,
      people: p.people, travel: fmtHours(p.travel_h ?? p.duration_h), 'incl. wait': fmtHours(p.duration_h),
      distance: fmtKm(p.distance_km) };
  });
  const summary = fc.summary ?? {};
  const crossings = (summary.crossings ?? []).map((c) => ({ crossing: c.name ?? c.id, people: c.people,
    'capacity /h': c.capacity_per_h, 'first across': fmtHours(c.first_across_h), clearance: fmtHours(c.clearance_h) }));
  const rest = Object.fromEntries(Object.entries(summary).filter(([k]) => !['crossings', 'clearance_h'].includes(k)));
  const scroll = (node) => el('div', { className: 'scroll' }, node);
  const corridors = (fc.features ?? []).filter((f) => /Polygon$/.test(f.geometry?.type ?? ''));
  const stranded = (fc.features ?? []).filter((f) => f.properties?.kind === 'origin');
  const area = corridors.reduce((sum, f) => sum + (Number(f.properties?.area_km2) || 0), 0);
  $('corridor-summary').dataset.corridors = String(corridors.length);
  fill($('corridor-summary'),
    Number.isFinite(summary.clearance_h)
      ? el('p', { className: 'big', 'data-clearance-h': summary.clearance_h }, `Everyone across after ${fmtHours(summary.clearance_h)}`)
      : null,
    el('p', { 'data-role': 'corridor-count' }, corridors.length
      ? `${corridors.length} corridor${corridors.length > 1 ? 's' : ''} on the map (${fmtKm(summary.corridor_width_km ?? NaN)} wide, ${Math.round(area).toLocaleString('en')} km² in all).`
      : 'No corridor polygon in the answer.'),
    stranded.length ? el('p', { className: 'hint', dir: 'auto' }, `No route for: ${stranded.map((f) => `${f.properties.origin}`
      + (f.properties.no_route ? ` (${f.properties.no_route})` : '')).join('; ')}`) : null,
    el('h3', {}, 'Routes used'), rows.length ? scroll(jsonTable(rows)) : el('p', { className: 'hint' }, 'No routes in the answer.'),
    el('h3', {}, 'Load and clearance per crossing'),
    crossings.length ? scroll(jsonTable(crossings)) : el('p', { className: 'hint' }, 'No per-crossing summary in the answer.'),
    Object.keys(rest).length ? el('details', {}, el('summary', {}, 'More of the summary'), scroll(jsonTable(rest))) : null);
}

// "What if": clearance A → B, then per-crossing and per-origin changes; anything else in a details block.
function renderComparison(r) {
  const scroll = (node) => el('div', { className: 'scroll' }, node);
  const sign = (x, unit) => (Number.isFinite(x) ? `${x > 0 ? '+' : ''}${Math.round(x * 100) / 100} ${unit}` : '—');
  const origins = (r.origins ?? []).map((o) => ({ origin: o.origin, 'A via': o.a?.destination_crossing, 'B via': o.b?.destination_crossing,
    'A time': fmtHours(o.a?.duration_h), 'B time': fmtHours(o.b?.duration_h), 'Δ time': sign(o.change?.duration_h, 'h'),
    'Δ distance': sign(o.change?.distance_km, 'km') }));
  const crossings = (r.crossings ?? []).map((c) => ({ crossing: c.name ?? c.id, 'people A': c.people_a, 'people B': c.people_b,
    change: sign(c.change, '') }));
  const known = ['a', 'b', 'clearance_change_h', 'origins', 'crossings'];
  const rest = Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => !known.includes(k)));
  fill($('compare-summary'),
    el('h3', {}, 'B compared with A'),
    Number.isFinite(r.a?.clearance_h) ? el('p', { className: 'big', 'data-clearance-change-h': r.clearance_change_h },
      `Everyone across: A ${fmtHours(r.a.clearance_h)} → B ${fmtHours(r.b?.clearance_h)} (${sign(r.clearance_change_h, 'h')})`) : null,
    origins.length ? scroll(jsonTable(origins)) : null,
    crossings.length ? el('h3', {}, 'People per crossing') : null,
    crossings.length ? scroll(jsonTable(crossings)) : null,
    Object.keys(rest).length || !origins.length ? el('details', {}, el('summary', {}, 'Full comparison'), scroll(jsonTable(origins.length ? rest : r))) : null);
}

async function runCompare() {
  await withProgress('comparison', async () => {
    const a = readScenario('scenario-a');
    const b = readScenario('scenario-b');
    const result = await api.compare(a, b);
    renderComparison(result);
    reveal('compare-summary');
    if (result?.type === 'FeatureCollection') mapView.setData('corridors', result);
    setResult('comparison', 'aras-compare', result, { path: '/compare', method: 'POST', body: { a, b } });
  });
}

// ---------------------------------------------------------------- scenarios kept on the server

function storeStatus(text) {
  $('scenario-store-status').textContent = text;
}

const createdWords = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
};

// Lists what the server keeps, newest first. `quiet`: a failure goes to the store's status line only (the
// list is refreshed on its own when the section opens; a planner's click gets the error shown in words too).
let listSeq = 0;  // only the answer to the latest listing is shown (a slow older one must not overwrite it)
async function refreshSavedScenarios({ quiet = false, current = null } = {}) {
  const seq = ++listSeq;
  let items;
  try {
    items = await api.listScenarios();
  } catch (e) {
    if (seq !== listSeq) return;
    $('scenario-store-list').replaceChildren();
    storeStatus(`The saved scenarios cannot be listed: ${errorText(e)}`);
    if (!quiet) throw e;
    return;
  }
  if (seq !== listSeq) return;
  $('scenario-store-list').replaceChildren(...items.map((s) => {
    const name = s.name || s.id;
    return el('li', { 'data-scenario-id': s.id, 'data-current': s.id === current ? 'true' : null },
      el('span', { className: 'name', dir: 'auto' }, name, el('span', { className: 'meta' }, ` ${createdWords(s.created)}`)),
      el('button', { type: 'button', className: 'small', 'data-role': 'load', 'aria-label': `Load ${name} into scenario A`,
        onclick: () => withProgress(`loading ${name}`, () => loadSavedScenario(s.id)) }, 'Load'),
      el('button', { type: 'button', className: 'small', 'data-role': 'delete', 'aria-label': `Delete ${name} from the server`,
        onclick: () => withProgress(`deleting ${name}`, () => deleteSavedScenario(s.id, name)) }, 'Delete'));
  }));
  $('scenario-store-list').dataset.count = String(items.length);
  storeStatus(items.length ? `${items.length} scenario${items.length > 1 ? 's' : ''} saved on the server, newest first.`
    : 'No scenario is saved on the server yet.');
  return items;
}

async function saveScenarioOnServer() {
  const scenario = readScenario('scenario-a');
  const saved = await api.saveScenario(scenario);
  await refreshSavedScenarios({ current: saved.id });
  storeStatus(`Saved “${saved.name || scenario.name || saved.id}” on the server.`);
}

async function loadSavedScenario(id) {
  const stored = await api.getScenario(id);
  $('scenario-a').value = JSON.stringify(stored.scenario, null, 2);
  document.querySelectorAll('#scenario-store-list li').forEach((li) => {
    if (li.dataset.scenarioId === id) li.dataset.current = 'true';
    else delete li.dataset.current;
  });
  storeStatus(`Loaded “${stored.name || id}” into scenario A; edit it, run it, or save it again as a new scenario.`);
}

async function deleteSavedScenario(id, name) {
  await api.deleteScenario(id);
  await refreshSavedScenarios();
  storeStatus(`Deleted “${name}” from the server.`);
}

// ---------------------------------------------------------------- downloads

// Why a result has no GeoPackage, in the planner's words (null when it has one).
function noGpkgReason(data, req) {
  if (data?.type !== 'FeatureCollection') {
    return 'This result is a table, not map features: it downloads as JSON; there is no GeoPackage of it.';
  }
  if (!api.GPKG_PATHS.has(req.path)) {
    return `The service gives ${req.path === '/geoparse' ? 'the places found in a document' : 'this result'} as GeoJSON only,`
      + ' not as GeoPackage; download the GeoJSON (GIS software such as QGIS or ogr2ogr converts it).';
  }
  return null;
}

function setResult(label, filename, data, req) {
  state.lastResult = { label, filename, data, request: req };
  const features = data?.type === 'FeatureCollection';
  const why = noGpkgReason(data, req);
  $('download-what').textContent = `Last result: ${label}.`;
  $('dl-geojson').disabled = false;
  $('dl-geojson').textContent = features ? 'GeoJSON' : 'JSON';
  $('dl-gpkg').disabled = Boolean(why);
  $('download-note').hidden = !why;
  $('download-note').textContent = why ?? '';
}

function downloadGeoJSON() {
  const r = state.lastResult;
  if (!r) return;
  const features = r.data?.type === 'FeatureCollection';
  saveBlob(new Blob([JSON.stringify(r.data, null, 1)], { type: features ? 'application/geo+json' : 'application/json' }),
    `${r.filename}.${features ? 'geojson' : 'json'}`);
}

async function downloadGpkg() {
  const r = state.lastResult;
  if (!r) return;
  const why = noGpkgReason(r.data, r.request);
  if (why) { showError(new Error(why)); return; }
  await withProgress('GeoPackage', async () => {
    const { path, method, query, body } = r.request;
    const blob = await api.request(path, { method, query: { ...(query ?? {}), format: 'gpkg' }, body, asBlob: true });
    // An endpoint that ignores ?format answers GeoJSON: say so rather than save JSON under a .gpkg name.
    if (/json/.test(blob.type)) throw new Error(`The service does not offer ${r.label} as GeoPackage yet; use GeoJSON.`);
    saveBlob(blob, `${r.filename}.gpkg`);
  });
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('error-close').addEventListener('click', clearError);
  $('search-q').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(suggest, 250); });
  $('search-q').addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(searchTimer); suggest(); } });
  $('route-form').addEventListener('submit', (e) => { e.preventDefault(); runRoute(); });
  $('route-clear').addEventListener('click', () => {
    state.lastRouteParams = null; state.from = state.to = null;
    $('route-from').value = ''; $('route-to').value = '';
    $('route-summary').replaceChildren();
    mapView.setData('routes', null);
    showEndpoints();
  });
  document.querySelectorAll('[data-pick]').forEach((b) => b.addEventListener('click', () => setPick(b.dataset.pick)));
  $('hazard-circle').addEventListener('click', () => setPick(state.pick === 'circle' ? null : 'circle'));
  $('hazard-polygon').addEventListener('click', () => setPick(state.pick === 'polygon' ? null : 'polygon'));
  $('hazard-finish').addEventListener('click', finishPolygon);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.pick) setPick(null); });
  $('iso-go').addEventListener('click', runIsochrone);
  $('doc-go').addEventListener('click', runGeoparse);
  $('corridors-go').addEventListener('click', runCorridors);
  $('compare-go').addEventListener('click', runCompare);
  $('scenario-store-save').addEventListener('click', () => withProgress('saving the scenario', saveScenarioOnServer));
  $('scenario-store-refresh').addEventListener('click', () => withProgress('listing saved scenarios', refreshSavedScenarios));
  $('sec-scenario').addEventListener('toggle', () => {
    if ($('sec-scenario').open && !$('scenario-store-list').dataset.count) refreshSavedScenarios({ quiet: true });
  });
  $('scenario-save').addEventListener('click', () => {
    try {
      const s = readScenario('scenario-a');
      saveBlob(new Blob([JSON.stringify(s, null, 2)], { type: 'application/json' }), 'aras-scenario.json');
    } catch (e) { showError(e); }
  });
  $('scenario-file').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    try { JSON.parse(text); clearError(); } catch (err) { showError(new Error(`${file.name} is not valid JSON: ${err.message}`)); }
    $('scenario-a').value = text;
  });
  $('scenario-from-map').addEventListener('click', () => {
    try {
      $('scenario-a').value = JSON.stringify(scenarioWithMapState(readScenario('scenario-a'), state), null, 2);
    } catch (e) { showError(e); }
  });
  $('scenario-b-from-a').addEventListener('click', () => {
    try {
      $('scenario-b').value = JSON.stringify(withCrossingClosed(readScenario('scenario-a'), 'astara'), null, 2);
    } catch (e) { showError(e); }
  });
  $('dl-geojson').addEventListener('click', downloadGeoJSON);
  $('dl-gpkg').addEventListener('click', downloadGpkg);
  $('scenario-a').value = JSON.stringify(defaultScenario(), null, 2);
}

wire();
window.aras.ready = (async () => {
  setStatus('Loading layers…', true);
  try {
    const { crossings } = await loadBaseLayers(mapView);
    state.crossings = crossings;
    renderCrossings();
    setStatus('Ready.', false);
  } catch (e) {
    state.crossings = e.crossings ?? [];
    renderCrossings();
    setStatus('Layers could not be loaded.', false);
    showError(e);
  }
  document.body.dataset.ready = 'true';
})();
