-- wrk: /geocode over names in six languages (percent-encoded UTF-8).
local names = {"Astara", "Tabriz", "Baku", "Nakhchivan", "Julfa", "Ardabil", "Lankaran",
  "%D8%A2%D8%B3%D8%AA%D8%A7%D8%B1%D8%A7",          -- آستارا
  "%D0%90%D1%81%D1%82%D0%B0%D1%80%D0%B0",          -- Астара
  "%D7%98%D7%91%D7%A8%D7%99%D7%96",                -- טבריז
  "Bak%C4%B1", "Nah%C3%A7%C4%B1van"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/geocode?q=" .. names[(i % #names) + 1] .. "&limit=5")
end
