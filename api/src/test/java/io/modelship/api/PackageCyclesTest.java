package io.modelship.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * No package cycles in this module, its root package ({@value #ROOT}) counted like any other: the
 * root holds the wiring (none: the CRD types, the report contract and drift statistics are leaves)
 * and may depend on everything, so nothing may depend on it.
 */
class PackageCyclesTest {

  static final String ROOT = "io.modelship";

  /** This module's classes only: the classpath also holds the modules it depends on. */
  static final JavaClasses CLASSES = new ClassFileImporter().importPath(Path.of("target/classes"));

  @Test
  void packagesAreFreeOfCycles() {
    slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void nothingDependsOnTheRootPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT)
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  /**
   * Every package a slice of its own, sub-packages included (ArchUnit's {@code ..} patterns would
   * merge them).
   */
  static final SliceAssignment EACH_PACKAGE =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          return SliceIdentifier.of(javaClass.getPackageName());
        }

        @Override
        public String getDescription() {
          return "each package of " + ROOT;
        }
      };
}
