-- wrk: /route between fixed city pairs of the Aras region (lon,lat), rotated per request.
local pairs = {
  {"46.29,38.08", "45.41,39.21"},  -- Tabriz -> Nakhchivan (via Jolfa-Julfa)
  {"45.41,39.21", "46.29,38.08"},  -- Nakhchivan -> Tabriz
  {"48.30,38.25", "48.85,38.42"},  -- Ardabil -> Astara (IR)
  {"48.85,38.42", "48.87,38.45"},  -- Astara (IR) -> Astara (AZ), across the crossing
  {"46.29,38.08", "48.30,38.25"},  -- Tabriz -> Ardabil
  {"48.30,38.25", "46.29,38.08"},  -- Ardabil -> Tabriz
}
local i = 0
request = function()
  i = i + 1
  local p = pairs[(i % #pairs) + 1]
  return wrk.format("GET", "/route?from=" .. p[1] .. "&to=" .. p[2])
end
