package io.modelship.operator;

import io.modelship.api.testing.PackageCycles;
import org.junit.jupiter.api.Test;

/**
 * No package cycles in this module ({@link PackageCycles}, the rule every module checks), its root
 * package ({@value #ROOT}) counted like any other: the root holds the wiring (OperatorMain,
 * ModelshipOperator: they build the reconciler, the HTTP server and the leader lease) and may
 * depend on everything, so nothing may depend on it.
 */
class PackageCyclesTest {

  static final String ROOT = "io.modelship.operator";

  static final PackageCycles MODULE = PackageCycles.ofModule(ROOT);

  @Test
  void packagesAreFreeOfCycles() {
    MODULE.checkFreeOfCycles();
  }

  @Test
  void nothingDependsOnTheRootPackage() {
    MODULE.checkNothingDependsOnTheRoot();
  }
}
