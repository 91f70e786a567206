package io.modelship.api.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Path;

/**
 * The package rule of every module, written once: no package cycles, the module's root package
 * counted like any other. The root may hold the wiring that depends on everything, so nothing may
 * depend on it. Each module's {@code PackageCyclesTest} checks its own classes ({@code
 * target/classes}) with it; what they use from libraries and other modules is not imported.
 */
public final class PackageCycles {

  private final String root;
  private final JavaClasses classes;

  private PackageCycles(String root, JavaClasses classes) {
    this.root = root;
    this.classes = classes;
  }

  /** The classes the module under test compiled, whose root package is {@code root}. */
  public static PackageCycles ofModule(String root) {
    // The module's own classes only: what they name from libraries needs no import.
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    return new PackageCycles(root, new ClassFileImporter().importPath(Path.of("target/classes")));
  }

  /** Fails naming the cycle when packages depend on each other in a ring. */
  public void checkFreeOfCycles() {
    slices().assignedFrom(eachPackage()).should().beFreeOfCycles().check(classes);
  }

  /** Fails naming the dependency when a class outside the root package uses one inside it. */
  public void checkNothingDependsOnTheRoot() {
    noClasses()
        .that()
        .resideOutsideOfPackage(root)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(root)
        .allowEmptyShould(true)
        .check(classes);
  }

  /**
   * Every package a slice of its own, sub-packages included (ArchUnit's {@code ..} patterns would
   * merge them).
   */
  private SliceAssignment eachPackage() {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        return SliceIdentifier.of(javaClass.getPackageName());
      }

      @Override
      public String getDescription() {
        return "each package of " + root;
      }
    };
  }
}
