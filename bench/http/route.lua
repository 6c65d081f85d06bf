-- wrk: /route between fixed city pairs of the Aras region (lon,lat), rotated per request.
local pairs = {
  {"46.29,38.08", "49.87,40.41"},  -- Tabriz -> Baku
  {"48.30,38.25", "48.87,38.45"},  -- Ardabil -> Astara (AZ)
  {"45.41,39.21", "46.29,38.08"},  -- Nakhchivan -> Tabriz
  {"44.51,40.18", "45.41,39.21"},  -- Yerevan -> Nakhchivan
  {"48.85,38.42", "48.87,38.75"},  -- Astara (IR) -> Lankaran
  {"47.15,39.40", "49.87,40.41"},  -- Aras valley -> Baku
}
local i = 0
request = function()
  i = i + 1
  local p = pairs[(i % #pairs) + 1]
  return wrk.format("GET", "/route?from=" .. p[1] .. "&to=" .. p[2])
end
