// The map: a MapLibre style built only from the service's own layers (no tiles); a stand-in when WebGL is missing.

const EMPTY = { type: 'FeatureCollection', features: [] };

// Roads by class (values written by tools/build_dataset.py); wider and darker for faster roads.
const ROAD_COLOR = ['match', ['get', 'class'],
  'motorway', '#c2410c', 'trunk', '#ea580c', 'primary', '#f59e0b', 'secondary', '#facc15', 'tertiary', '#a3a3a3',
  'connector', '#6b7280', '#bdbdbd'];
const ROAD_WIDTH = ['interpolate', ['linear'], ['zoom'], 5,
  ['match', ['get', 'class'], 'motorway', 2, 'trunk', 1.8, 'primary', 1.3, 'secondary', 0.9, 0.5], 10,
  ['match', ['get', 'class'], 'motorway', 5, 'trunk', 4.5, 'primary', 3.5, 'secondary', 2.5, 1.5]];
const COUNTRY_FILL = ['match', ['get', 'iso2'],
  'IR', '#f3efe2', 'AZ', '#e6f0e3', 'AM', '#f2e6ea', 'GE', '#e6ebf3', 'TR', '#f5eadf', '#eeeeee'];
const POLYGONS = ['Polygon', 'MultiPolygon'];
const LINES = ['LineString', 'MultiLineString'];
export const STATUS_COLOR = ['match', ['get', 'state'], 'open', '#2e7d32', 'reopened', '#2e7d32', 'closed', '#c62828',
  'closed-by-planner', '#c62828', '#ef6c00'];

function style() {
  const src = () => ({ type: 'geojson', data: EMPTY });
  const ids = ['countries', 'borders', 'roads', 'places', 'crossing-points', 'isochrones', 'hazards', 'draft',
    'corridors', 'routes', 'endpoints'];
  return {
    version: 8,
    sources: Object.fromEntries(ids.map((id) => [id, src()])),
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#cfe3f3' } },
      { id: 'countries-fill', type: 'fill', source: 'countries', paint: { 'fill-color': COUNTRY_FILL } },
      { id: 'countries-line', type: 'line', source: 'countries', paint: { 'line-color': '#9ca3af', 'line-width': 0.6 } },
      { id: 'isochrones', type: 'fill', source: 'isochrones',
        paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'hours'], 0, '#16a34a', 4, '#2563eb', 12, '#7c3aed'],
          'fill-opacity': 0.25, 'fill-outline-color': '#1e3a8a' } },
      { id: 'roads', type: 'line', source: 'roads', layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': ROAD_COLOR, 'line-width': ROAD_WIDTH } },
      { id: 'borders', type: 'line', source: 'borders',
        paint: { 'line-color': '#7c2d12', 'line-width': 1.6, 'line-dasharray': [3, 2] } },
      // /corridors answers routes (LineString), corridors (usually MultiPolygon) and origins without a route
      // (Point); single and multi geometries alike, so the filters name both.
      { id: 'corridors', type: 'fill', source: 'corridors', filter: ['in', ['geometry-type'], ['literal', POLYGONS]],
        paint: { 'fill-color': '#0891b2', 'fill-opacity': 0.22, 'fill-outline-color': '#0e7490' } },
      { id: 'corridor-routes', type: 'line', source: 'corridors', filter: ['in', ['geometry-type'], ['literal', LINES]],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': ['case', ['>', ['coalesce', ['get', 'people'], 0], 0], '#0e7490', '#94a3b8'],
          'line-width': ['case', ['==', ['get', 'role'], 'chosen'], 3.5, ['>', ['coalesce', ['get', 'people'], 0], 0], 2.5, 1.2] } },
      { id: 'corridor-origins', type: 'circle', source: 'corridors', filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 6, 'circle-color': '#fff', 'circle-stroke-color': '#c62828', 'circle-stroke-width': 3 } },
      { id: 'hazards', type: 'fill', source: 'hazards', paint: { 'fill-color': '#d32f2f', 'fill-opacity': 0.25 } },
      { id: 'hazards-line', type: 'line', source: 'hazards', paint: { 'line-color': '#b71c1c', 'line-width': 1.5 } },
      { id: 'draft-line', type: 'line', source: 'draft', paint: { 'line-color': '#b71c1c', 'line-width': 2, 'line-dasharray': [2, 1] } },
      { id: 'draft-points', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 4, 'circle-color': '#b71c1c' } },
      { id: 'routes-alt', type: 'line', source: 'routes', filter: ['>', ['coalesce', ['get', 'rank'], 0], 0],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#7b8da3', 'line-width': 4, 'line-opacity': 0.85 } },
      { id: 'routes-best', type: 'line', source: 'routes', filter: ['==', ['coalesce', ['get', 'rank'], 0], 0],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#0b57d0', 'line-width': 5 } },
      // Towns above 50,000 people from the start, every place once zoomed in (the region has thousands).
      { id: 'places-major', type: 'circle', source: 'places', maxzoom: 7,
        filter: ['>=', ['to-number', ['coalesce', ['get', 'population'], 0]], 50000],
        paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 2, 7, 4], 'circle-color': '#374151',
          'circle-stroke-color': '#fff', 'circle-stroke-width': 0.8 } },
      { id: 'places', type: 'circle', source: 'places', minzoom: 7,
        paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 2.5, 12, 5], 'circle-color': '#374151',
          'circle-stroke-color': '#fff', 'circle-stroke-width': 0.8 } },
      { id: 'crossings', type: 'circle', source: 'crossing-points',
        paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 6, 10, 10], 'circle-color': STATUS_COLOR,
          'circle-stroke-color': ['match', ['get', 'state'], 'closed-by-planner', '#000', '#fff'],
          'circle-stroke-width': 2 } },
    ],
  };
}

function webglAvailable() {
  try {
    const c = document.createElement('canvas');
    return Boolean(c.getContext('webgl2') || c.getContext('webgl'));
  } catch {
    return false;
  }
}

// What the rest of the page uses; the stand-in keeps the same shape so panels work without a map.
export class MapView {
  constructor(container, messageEl) {
    this.container = container;
    this.messageEl = messageEl;
    this.map = null;
    this.ready = Promise.resolve(false);
    this.markers = new Map();  // group -> [maplibregl.Marker]
    this.clickHandlers = [];
    const gl = window.maplibregl && webglAvailable();
    if (!gl) {
      this.showMessage(window.maplibregl
        ? 'The map cannot be drawn: this browser has no WebGL. Search, routes, crossings and downloads still work in the panel.'
        : 'The map library did not load. Search, routes, crossings and downloads still work in the panel.');
      return;
    }
    try {
      this.map = new window.maplibregl.Map({
        container, style: style(), center: [46.5, 39.0], zoom: 5.3, attributionControl: false,
        maxBounds: [[30, 30], [60, 46]], fadeDuration: 0, preserveDrawingBuffer: true,
      });
    } catch (e) {
      this.map = null;
      this.showMessage(`The map cannot be drawn (${e.message}). The panel still works.`);
      return;
    }
    this.map.addControl(new window.maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new window.maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
    this.ready = new Promise((resolve) => {
      this.map.on('load', () => resolve(true));
      this.map.on('error', (ev) => console.warn('map:', ev.error?.message ?? ev));
    });
    this.map.on('click', (ev) => {
      const hits = this.map.queryRenderedFeatures(ev.point, { layers: ['crossings'] });
      for (const h of this.clickHandlers) h({ lonLat: [ev.lngLat.lng, ev.lngLat.lat], crossing: hits[0]?.properties ?? null });
    });
    this.map.on('mouseenter', 'crossings', () => { this.map.getCanvas().style.cursor = 'pointer'; });
    this.map.on('mouseleave', 'crossings', () => { this.map.getCanvas().style.cursor = ''; });
  }

  get hasMap() { return this.map !== null; }

  showMessage(text) {
    this.messageEl.textContent = text;
    this.messageEl.hidden = false;
  }

  onClick(handler) { this.clickHandlers.push(handler); }

  async setData(sourceId, fc) {
    if (!this.map || !(await this.ready)) return;
    this.map.getSource(sourceId)?.setData(fc ?? EMPTY);
  }

  // Resolves once the map has drawn everything it was given (GeoJSON is cut into tiles in a worker, so a
  // result is on the map some time after setData), or after `timeoutMs` so a stalled renderer never hangs a panel.
  async drawn(timeoutMs = 30000) {
    if (!this.map || !(await this.ready)) return false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.map.off('idle', onIdle); resolve(false); }, timeoutMs);
      const onIdle = () => { clearTimeout(timer); resolve(true); };
      this.map.once('idle', onIdle);
      this.map.triggerRepaint();
    });
  }

  // Features of a source in the tiles the map currently holds (what is drawn now).
  drawnFeatures(sourceId) {
    return this.map ? this.map.querySourceFeatures(sourceId) : [];
  }

  setCursor(crosshair) {
    if (this.map) this.map.getCanvas().style.cursor = crosshair ? 'crosshair' : '';
  }

  async fitTo(fc, padding = 40) {
    if (!this.map || !(await this.ready)) return;
    const b = bboxOf(fc);
    if (b) this.map.fitBounds(b, { padding, maxZoom: 11, duration: 0 });
  }

  async flyTo(lonLat, zoom = 9) {
    if (!this.map || !(await this.ready)) return;
    this.map.jumpTo({ center: lonLat, zoom });
  }

  // HTML markers (pins), grouped so a group can be replaced at once. `el` is the element to show.
  setMarkers(group, items) {
    for (const m of this.markers.get(group) ?? []) m.remove();
    this.markers.set(group, []);
    if (!this.map) return;
    const list = items.map(({ lonLat, el, popup }) => {
      const marker = new window.maplibregl.Marker({ element: el, anchor: el.classList.contains('pin') ? 'bottom' : 'center' })
        .setLngLat(lonLat);
      if (popup) marker.setPopup(new window.maplibregl.Popup({ offset: 18 }).setDOMContent(popup));
      return marker.addTo(this.map);
    });
    this.markers.set(group, list);
  }

  project(lonLat) { return this.map ? this.map.project(lonLat) : null; }
}

// [[w,s],[e,n]] of every coordinate in a FeatureCollection / Feature / geometry; null when empty.
export function bboxOf(obj) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else c.forEach(visit);
  };
  const walk = (o) => {
    if (!o) return;
    if (o.type === 'FeatureCollection') o.features.forEach(walk);
    else if (o.type === 'Feature') walk(o.geometry);
    else if (o.type === 'GeometryCollection') o.geometries.forEach(walk);
    else if (o.coordinates) visit(o.coordinates);
  };
  walk(obj);
  return w <= e ? [[w, s], [e, n]] : null;
}

// A geodesic-looking circle (spherical destination formula, 64 vertices, CCW) for hazards drawn by the planner.
export function circlePolygon([lon, lat], radiusKm, steps = 64) {
  const R = 6371.0088, d = radiusKm / R, toRad = Math.PI / 180, toDeg = 180 / Math.PI;
  const lat1 = lat * toRad, lon1 = lon * toRad, ring = [];
  for (let i = 0; i <= steps; i++) {
    const brng = (-(i % steps) / steps) * 2 * Math.PI;  // decreasing bearing = counter-clockwise
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(brng));
    const lon2 = lon1 + Math.atan2(Math.sin(brng) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
    ring.push([+(lon2 * toDeg).toFixed(6), +(lat2 * toDeg).toFixed(6)]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}
