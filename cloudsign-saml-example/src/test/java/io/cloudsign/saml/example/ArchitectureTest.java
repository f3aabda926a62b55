package io.cloudsign.saml.example;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The example uses only the public API of core, servlet and testkit. */
class ArchitectureTest {
  @Test
  void exampleUsesOnlyPublicApis() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.cloudsign.saml.core.internal..",
            "io.cloudsign.saml.servlet.internal..",
            "io.cloudsign.saml.testkit.internal..",
            "org.opensaml..",
            "org.w3c.dom..",
            "javax.servlet..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.cloudsign.saml.example"));
  }
}
