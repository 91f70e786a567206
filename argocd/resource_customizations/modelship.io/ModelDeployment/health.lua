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
hs.message = message
return hs
