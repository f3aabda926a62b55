package io.cloudsign.saml.servlet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The servlet module uses only core's public API, and no javax.servlet, OpenSAML or Spring. */
class ArchitectureTest {
  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cloudsign.saml.servlet");

  @Test
  void servletUsesOnlyCorePublicApi() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.cloudsign.saml.core.internal..",
            "org.opensaml..",
            "net.shibboleth..",
            "org.apache.xml.security..",
            "org.w3c.dom..",
            "javax.servlet..",
            "io.cloudsign.saml.testkit..")
        .check(MAIN);
  }

  @Test
  void servletWhenInspectedThenUsesNoSpringType() {
    // The Spring Boot starter depends on this module, never the reverse (DESIGN 6, Frameworks).
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "io.cloudsign.saml.spring..")
        .check(MAIN);
  }
}
