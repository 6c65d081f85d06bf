// Loads the base map from the service's OGC API Features collections (the page's only "tiles").
import * as api from './api.js';

// How many features of each layer the page draws; roads are paged (next links) up to maxPages.
const LAYERS = [
  { id: 'countries', limit: 1000, maxPages: 1 },
  { id: 'borders', limit: 5000, maxPages: 2 },
  { id: 'roads', limit: 10000, maxPages: 6 },
  { id: 'crossings', limit: 1000, maxPages: 1 },
  { id: 'places', limit: 10000, maxPages: 1 },
];

async function loadCollection(id, limit, maxPages) {
  let page = await api.collection(id, limit);
  const features = [...(page.features ?? [])];
  for (let i = 1; i < maxPages; i++) {
    const next = (page.links ?? []).find((l) => l.rel === 'next');
    if (!next?.href) break;
    const url = new URL(next.href, window.location.href);
    page = await api.request(url.pathname + url.search);
    features.push(...(page.features ?? []));
  }
  return { type: 'FeatureCollection', features };
}

// A crossing as the panel shows it; the map point is the middle of the gate A→B line.
export function crossingFrom(f) {
  const p = f.properties ?? {};
  const g = f.geometry;
  let lonLat = null;
  if (g?.type === 'Point') lonLat = g.coordinates;
  else if (g?.type === 'LineString' && g.coordinates.length) {
    const a = g.coordinates[0], b = g.coordinates[g.coordinates.length - 1];
    lonLat = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  } else if (Number.isFinite(p.lon_a)) lonLat = [(p.lon_a + p.lon_b) / 2, (p.lat_a + p.lat_b) / 2];
  return { id: String(p.id ?? f.id), name: p.name ?? String(p.id), name_a: p.name_a, name_b: p.name_b,
    country_a: p.country_a ?? '', country_b: p.country_b ?? '', status: String(p.status ?? 'unknown').toLowerCase(), lonLat };
}

// Loads every layer in parallel, draws each as it arrives; resolves with the crossings. A layer that fails is
// reported (the error is thrown after the others are drawn) so the planner knows the map is incomplete.
export async function loadBaseLayers(mapView) {
  let crossings = [];
  const failures = [];
  await Promise.all(LAYERS.map(async ({ id, limit, maxPages }) => {
    try {
      const fc = await loadCollection(id, limit, maxPages);
      if (id === 'crossings') crossings = fc.features.map(crossingFrom).filter((c) => c.lonLat);
      else await mapView.setData(id, fc);
    } catch (e) {
      failures.push(`${id}: ${e.message}`);
    }
  }));
  crossings.sort((a, b) => a.name.localeCompare(b.name));
  if (failures.length) {
    const err = new Error(`Some map layers could not be loaded — ${failures.join('; ')}`);
    err.crossings = crossings;
    throw err;
  }
  return { crossings };
}
