-- wrk: 70 % /route, 30 % /geocode.
local routes = {{"46.29,38.08", "45.41,39.21"}, {"48.30,38.25", "48.85,38.42"}, {"45.41,39.21", "46.29,38.08"}}
local names = {"Astara", "Tabriz", "Baku", "%D8%A2%D8%B3%D8%AA%D8%A7%D8%B1%D8%A7", "Nah%C3%A7%C4%B1van"}
local i = 0
request = function()
  i = i + 1
  if i % 10 < 7 then
    local p = routes[(i % #routes) + 1]
    return wrk.format("GET", "/route?from=" .. p[1] .. "&to=" .. p[2])
  end
  return wrk.format("GET", "/geocode?q=" .. names[(i % #names) + 1])
end
