-- GETs spread over many resources: the path template's "{id}" takes the next id from a file.
--   WRK_IDS_FILE       one id per line
--   WRK_PATH_TEMPLATE  the path with "{id}", e.g. "/voipbin/v1.0/numbers/{id}?accesskey=…"
local common = dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")
common.configure()

local ids = {}
for line in io.lines(os.getenv("WRK_IDS_FILE")) do
  if line ~= "" then ids[#ids + 1] = line end
end
local template = os.getenv("WRK_PATH_TEMPLATE")
local position = 0

request = function()
  position = position % #ids + 1
  local path = template:gsub("{id}", ids[position])
  return wrk.format(nil, path)
end

done = common.done
