// Scenario JSON on the page: a starting example and the planner's map state (closures, hazards) folded into it.

export function defaultScenario() {
  return {
    name: 'Tehran and Tabriz to the northern crossings',
    origins: [
      { place: 'Tehran', people: 1200 },
      { place: 'Tabriz', people: 400 },
    ],
    closed_crossings: [],
    hazards: [],
    crossing_capacity: { astara: 25 },
    corridor_width_km: 5,
  };
}

// Hazards in scenario form: circles as a point with radius_km, drawn polygons as GeoJSON geometry.
function scenarioHazard(h) {
  const common = { name: h.name, hard: h.hard, ...(h.hard ? {} : { penalty_factor: h.penalty_factor }) };
  if (h.centre && h.radius_km) return { point: h.centre, radius_km: h.radius_km, ...common };
  return { geometry: h.geometry, ...common };
}

export function scenarioWithMapState(scenario, state) {
  return {
    ...scenario,
    closed_crossings: [...new Set([...(scenario.closed_crossings ?? []), ...state.closed])],
    hazards: [...(scenario.hazards ?? []), ...state.hazards.map(scenarioHazard)],
  };
}

export function withCrossingClosed(scenario, id) {
  return {
    ...scenario,
    name: `${scenario.name ?? 'scenario'} (${id} closed)`,
    closed_crossings: [...new Set([...(scenario.closed_crossings ?? []), id])],
  };
}
