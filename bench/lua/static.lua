-- The same request every time: method, auth headers and body from the environment (see common.lua).
-- Used for GET one number, list one page, and PUT/PATCH updates (idempotent bodies).
local common = dofile(os.getenv("WRK_LUA_DIR") .. "/common.lua")
common.configure()
done = common.done
