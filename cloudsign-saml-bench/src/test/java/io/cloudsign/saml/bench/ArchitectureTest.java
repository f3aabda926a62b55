package io.cloudsign.saml.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks measure what users get: only the public API of core and testkit (STYLE "Shape").
 * On the class path nothing else stops them from calling an {@code …internal} class, so this does.
 */
class ArchitectureTest {
  @Test
  void benchmarksWhenInspectedThenUseNoInternalPackageOfTheLibrary() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.cloudsign.saml..internal..")
        .check(new ClassFileImporter().importPackages("io.cloudsign.saml.bench"));
  }
}
