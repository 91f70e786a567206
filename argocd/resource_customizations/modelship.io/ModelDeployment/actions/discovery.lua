-- Which Modelship manual controls apply now. The same rule as the kubectl plugin's
-- (kubectl-plugin ModelDeploymentView.rolloutInProgress / retryable).
local actions = {}
local status = obj.status or {}
local strategy = "RollingUpdate"
if obj.spec ~= nil and obj.spec.rollout ~= nil and obj.spec.rollout.strategy ~= nil then
  strategy = obj.spec.rollout.strategy
end

local newVersion = status.canaryVersion
if status.rollout ~= nil and status.rollout.version ~= nil then
  newVersion = status.rollout.version
end

local inProgress = (strategy == "Canary" or strategy == "BlueGreen")
  and (status.phase == "Progressing" or status.phase == "Paused")
  and newVersion ~= nil and newVersion ~= status.stableVersion

local specVersion = nil
if obj.spec ~= nil and obj.spec.model ~= nil then
  specVersion = obj.spec.model.version
end
local aborted = status.rollout ~= nil and status.rollout.abortReason ~= nil
local offStable = status.stableVersion ~= nil and specVersion ~= nil and specVersion ~= status.stableVersion
local retryable = status.phase == "Degraded" and (aborted or offStable)

actions["promote"] = {["disabled"] = not inProgress, ["displayName"] = "Promote (next step, or switch now)",
  ["iconClass"] = "fa fa-fw fa-forward"}
actions["promote-full"] = {["disabled"] = not inProgress, ["displayName"] = "Promote fully (skip steps and analysis)",
  ["iconClass"] = "fa fa-fw fa-fast-forward"}
actions["abort"] = {["disabled"] = not inProgress, ["displayName"] = "Abort (roll back to stable)",
  ["iconClass"] = "fa fa-fw fa-stop"}
actions["retry"] = {["disabled"] = not retryable, ["displayName"] = "Retry the rollout",
  ["iconClass"] = "fa fa-fw fa-redo"}
return actions
