-- Argo CD health of a Modelship ModelDeployment, from what the operator writes in status.
local hs = {}

local function conditionMessage(types)
  if obj.status.conditions == nil then
    return nil
  end
  for _, wanted in ipairs(types) do
    for _, condition in ipairs(obj.status.conditions) do
      if condition.type == wanted and condition.message ~= nil and condition.message ~= "" then
        return condition.message
      end
    end
  end
  return nil
end

-- Three significant digits, as the kubectl plugin prints numbers: 0.953, 41.2, 1200.
local function number(v)
  if type(v) ~= "number" then
    return tostring(v)
  end
  if v == math.floor(v) and math.abs(v) < 1e15 then
    return string.format("%d", v)
  end
  if math.abs(v) >= 1000 then
    return string.format("%.0f", v)
  end
  return string.format("%.3g", v)
end

-- The newest retraining candidate the operator judged Better (candidates are newest first) and
-- that spec.model does not already ask for; adopting it is an edit to make in Git.
local function candidateToAdopt()
  local retraining = obj.status.retraining
  if retraining == nil or retraining.candidates == nil then
    return nil
  end
  for _, candidate in ipairs(retraining.candidates) do
    if candidate.verdict == "Better" and candidate.version ~= nil then
      if obj.spec ~= nil and obj.spec.model ~= nil and obj.spec.model.version == candidate.version then
        return nil
      end
      return candidate
    end
  end
  return nil
end

if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Modelship operator to observe the resource"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the Modelship operator to observe generation " .. obj.metadata.generation
  return hs
end

local phase = obj.status.phase
local message
if phase == "Healthy" then
  message = conditionMessage({"Ready", "Progressing"})
elseif (phase == "Degraded" or phase == "Failed") and obj.status.rollout ~= nil
    and obj.status.rollout.abortReason ~= nil then
  message = obj.status.rollout.abortReason
else
  message = conditionMessage({"Progressing", "Ready"})
end

if phase == "Healthy" or phase == "Progressing" or phase == "Degraded" then
  hs.status = phase
elseif phase == "Paused" then
  hs.status = "Suspended"
elseif phase == "Failed" then
  hs.status = "Degraded"
elseif phase == "Pending" or phase == nil then
  hs.status = "Progressing"
else
  hs.status = "Unknown"
  message = "Unknown phase " .. tostring(phase) .. (message ~= nil and (": " .. message) or "")
end
if message == nil then
  message = "phase " .. tostring(phase or "Pending")
end
local candidate = candidateToAdopt()
if candidate ~= nil then
  local comparison = candidate.message
  if candidate.candidateValue ~= nil and candidate.servingValue ~= nil then
    comparison = (candidate.metric or "metric") .. " " .. number(candidate.candidateValue) .. " vs "
      .. number(candidate.servingValue)
    if candidate.heldOutRows ~= nil then
      comparison = comparison .. " on " .. number(candidate.heldOutRows) .. " rows"
    end
  end
  message = message .. "; candidate " .. candidate.version .. " is Better"
    .. (comparison ~= nil and (": " .. comparison) or "") .. " — adopt it in Git"
end
hs.message = message
return hs
