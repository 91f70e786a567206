-- Sets modelship.io/retrain to a fresh token; the operator acts once per new token.
local os = require("os")
local key = "modelship.io/retrain"
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
local token = os.date("!%Y-%m-%dT%H:%M:%SZ")
local current = obj.metadata.annotations[key]
-- Twice in one second: count up, so the second request is a new token too.
if current ~= nil and string.sub(current, 1, string.len(token)) == token then
  token = token .. "." .. ((tonumber(string.sub(current, string.len(token) + 2)) or 1) + 1)
end
obj.metadata.annotations[key] = token
return obj
