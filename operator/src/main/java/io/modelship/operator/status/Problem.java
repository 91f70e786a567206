package io.modelship.operator.status;

/** Something that keeps a ModelDeployment from serving, as a condition reason and message. */
public record Problem(String reason, String message) {}
