-- Writes the newest Better retraining candidate (status.retraining.candidates, newest first) into
-- spec.model: version, uri and sha256, and no uriFrom. Argo CD applies it as a merge patch; with
-- auto-sync self-heal it reverts the edit unless the same spec.model is committed to Git.
local candidate = nil
if obj.status ~= nil and obj.status.retraining ~= nil and obj.status.retraining.candidates ~= nil then
  for _, c in ipairs(obj.status.retraining.candidates) do
    if c.verdict == "Better" then
      candidate = c
      break
    end
  end
end
if candidate == nil or candidate.version == nil or candidate.uri == nil then
  error("no Better retraining candidate with a version and uri to adopt", 0)
end
if obj.spec.model.version == candidate.version then
  error("spec.model already asks for candidate " .. candidate.version, 0)
end
obj.spec.model.version = candidate.version
obj.spec.model.uri = candidate.uri
obj.spec.model.sha256 = candidate.sha256
obj.spec.model.uriFrom = nil
return obj
