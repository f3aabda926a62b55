package io.cloudsign.saml.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API edges of DESIGN §2 and STYLE "Shape". */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.cloudsign.saml.core");

  /** Types that must never appear in a public signature, so an OpenSAML upgrade stays internal. */
  static final String[] FORBIDDEN_IN_API = {
    "org.opensaml.", "org.apache.xml.security.", "org.w3c.dom.", "net.shibboleth.", "javax.xml."
  };

  @Test
  void publicSignaturesWhenInspectedThenUseNoOpenSamlSantuarioOrDomType() {
    classes()
        .that()
        .resideInAPackage("io.cloudsign.saml.core")
        .and()
        .arePublic()
        .should(exposeOnlyOwnOrJdkTypes())
        .check(CORE);
  }

  @Test
  void coreWhenInspectedThenUsesNoServletOrSpringType() {
    // Framework-free: the servlet module and the Spring Boot starter depend on core, never the
    // reverse (DESIGN 6, Frameworks).
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "jakarta.servlet..",
            "io.cloudsign.saml.servlet..",
            "io.cloudsign.saml.spring..")
        .check(CORE);
  }

  @Test
  void internalPackageWhenInspectedThenDoesNotDependOnThePublicPackage() {
    noClasses()
        .that()
        .resideInAPackage("io.cloudsign.saml.core.internal")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.cloudsign.saml.core")
        .check(CORE);
  }

  @Test
  void verifiedAssertionWhenInspectedThenHasNoPublicConstructor() {
    classes()
        .that()
        .haveFullyQualifiedName(VerifiedAssertion.class.getName())
        .should(
            new ArchCondition<JavaClass>("have no public or protected constructor") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                c.getConstructors().stream()
                    .filter(
                        k ->
                            k.getModifiers().contains(JavaModifier.PUBLIC)
                                || k.getModifiers().contains(JavaModifier.PROTECTED))
                    .forEach(k -> events.add(SimpleConditionEvent.violated(k, k.getFullName())));
              }
            })
        .check(CORE);
  }

  static ArchCondition<JavaClass> exposeOnlyOwnOrJdkTypes() {
    return new ArchCondition<>("expose no OpenSAML, Santuario or DOM type") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        Set<JavaClass> exposed = new HashSet<>();
        c.getRawSuperclass().ifPresent(exposed::add);
        exposed.addAll(c.getRawInterfaces());
        for (JavaMember m : c.getMembers()) {
          if (!isVisible(m)) {
            continue;
          }
          if (m instanceof JavaCodeUnit u) {
            exposed.addAll(u.getReturnType().getAllInvolvedRawTypes());
            u.getParameterTypes().forEach(p -> exposed.addAll(p.getAllInvolvedRawTypes()));
            exposed.addAll(u.getThrowsClause().getTypes());
          } else if (m instanceof JavaField f) {
            exposed.addAll(f.getType().getAllInvolvedRawTypes());
          }
        }
        for (JavaClass t : exposed) {
          if (forbidden.test(t)) {
            events.add(SimpleConditionEvent.violated(c, c.getName() + " exposes " + t.getName()));
          }
        }
      }
    };
  }

  private static boolean isVisible(JavaMember m) {
    return m.getModifiers().contains(JavaModifier.PUBLIC)
        || m.getModifiers().contains(JavaModifier.PROTECTED);
  }

  private static final DescribedPredicate<JavaClass> forbidden =
      DescribedPredicate.describe(
          "forbidden API type",
          t -> {
            for (String p : FORBIDDEN_IN_API) {
              if (t.getName().startsWith(p)) {
                return true;
              }
            }
            return false;
          });
}
