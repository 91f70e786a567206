-- Runs an Argo CD resource customization the way Argo CD does: the resource in a global `obj`,
-- the chunk's return value is the result. Prints the result as JSON for the Java test.
-- usage: lua5.1 harness.lua SCRIPT OBJECT_FILE [FIXED_UTC_TIME]
local script, objectFile, fixedTime = arg[1], arg[2], arg[3]

if fixedTime ~= nil then
  -- Pin the clock the actions read, so repeated-token behaviour is testable.
  local os = require("os")
  os.date = function() return fixedTime end
end

obj = dofile(objectFile)
local chunk = assert(loadfile(script))
local result = chunk()

local function isArray(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  for i = 1, n do
    if t[i] == nil then return false end
  end
  return n > 0
end

local function encode(v)
  local kind = type(v)
  if kind == "nil" then
    return "null"
  elseif kind == "boolean" then
    return tostring(v)
  elseif kind == "number" then
    return string.format("%.17g", v)
  elseif kind == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif kind == "table" then
    local parts = {}
    if isArray(v) then
      for _, item in ipairs(v) do parts[#parts + 1] = encode(item) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    for _, k in ipairs(keys) do parts[#parts + 1] = encode(k) .. ":" .. encode(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  error("cannot encode a " .. kind)
end

io.write(encode(result))
