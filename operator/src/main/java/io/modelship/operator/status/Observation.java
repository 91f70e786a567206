package io.modelship.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.reports.VersionAggregate;
import io.modelship.operator.rollout.plan.RolloutPlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one reconcile saw and decided, the only input of the status.
 *
 * @param resource the ModelDeployment as read, including the last status
 * @param now time of this reconcile
 * @param monitoring monitoring settings in force
 * @param specProblem a problem in the spec the schema could not catch; no children are touched
 * @param plan the rollout plan, absent when the spec has a problem
 * @param deployments serving Deployments as observed
 * @param podProblem a problem seen on the pods of the version being rolled out
 * @param reports runtime reports aggregated by version
 */
public record Observation(
    ModelDeployment resource,
    Instant now,
    EffectiveMonitoring monitoring,
    Optional<Problem> specProblem,
    Optional<RolloutPlan> plan,
    List<Deployment> deployments,
    Optional<Problem> podProblem,
    Map<String, VersionAggregate> reports) {}
