-- Creates: every request carries a number never sent before in this run, so the server makes
-- a new resource each time (state grows during the run; the suite resets it before each run).
--   WRK_BODY_TEMPLATE  the JSON body with "{number}" where the number goes
--   WRK_NUMBER_FORMAT  printf format of the number, e.g. "+1202%07d"
--   WRK_COUNTER_START  the counter starts after this value
-- Run with one wrk thread (-t1): each thread would have its own counter.
local common = dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")
common.configure()
wrk.body = nil

local template = os.getenv("WRK_BODY_TEMPLATE") or ""
local format = os.getenv("WRK_NUMBER_FORMAT") or ""
local counter = tonumber(os.getenv("WRK_COUNTER_START") or "0")

request = function()
  counter = counter + 1
  local body
  if format ~= "" then
    body = (template:gsub("{number}", string.format(format, counter)))
  else
    body = template
  end
  return wrk.format(nil, nil, nil, body)
end

done = common.done
