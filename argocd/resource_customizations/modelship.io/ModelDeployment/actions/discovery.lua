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

-- retrain: spec.retraining is set and no run is under way (kubectl-plugin RetrainCommand.whyNot).
local retraining = status.retraining or {}
local running = false
if retraining.runs ~= nil then
  for _, run in ipairs(retraining.runs) do
    if run.outcome == "Running" then
      running = true
    end
  end
end
local canRetrain = obj.spec ~= nil and obj.spec.retraining ~= nil and not running

-- adopt: the newest Better candidate, unless spec.model already asks for it (kubectl-plugin
-- Adoption.choose without --candidate).
local canAdopt = false
if retraining.candidates ~= nil then
  for _, candidate in ipairs(retraining.candidates) do
    if candidate.verdict == "Better" then
      canAdopt = candidate.version ~= nil and candidate.uri ~= nil and candidate.version ~= specVersion
      break
    end
  end
end

actions["promote"] = {["disabled"] = not inProgress, ["displayName"] = "Promote (next step, or switch now)",
  ["iconClass"] = "fa fa-fw fa-forward"}
actions["promote-full"] = {["disabled"] = not inProgress, ["displayName"] = "Promote fully (skip steps and analysis)",
  ["iconClass"] = "fa fa-fw fa-fast-forward"}
actions["abort"] = {["disabled"] = not inProgress, ["displayName"] = "Abort (roll back to stable)",
  ["iconClass"] = "fa fa-fw fa-stop"}
actions["retry"] = {["disabled"] = not retryable, ["displayName"] = "Retry the rollout",
  ["iconClass"] = "fa fa-fw fa-redo"}
actions["retrain"] = {["disabled"] = not canRetrain, ["displayName"] = "Retrain now",
  ["iconClass"] = "fa fa-fw fa-sync"}
actions["adopt"] = {["disabled"] = not canAdopt,
  ["displayName"] = "Adopt the Better candidate (commit it to Git too)",
  ["iconClass"] = "fa fa-fw fa-check"}
return actions
