package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DESIGN §2 and STYLE: no OpenSAML, Santuario, BouncyCastle or DOM type in the public API. */
class PublicApiTest {
  private static final List<String> FORBIDDEN =
      List.of(
          "org.w3c.dom.",
          "org.opensaml.",
          "net.shibboleth.",
          "org.apache.xml.security.",
          "org.bouncycastle.",
          "io.cloudsign.saml.core",
          "io.cloudsign.saml.testkit.internal.");

  private static List<Class<?>> publicClasses() throws Exception {
    Path dir =
        Path.of(FakeEntra.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/cloudsign/saml/testkit");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = p.getFileName().toString().replace(".class", "");
        Class<?> c = Class.forName("io.cloudsign.saml.testkit." + name.replace('/', '.'));
        if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()) {
          out.add(c);
        }
      }
    }
    return out;
  }

  @Test
  void publicSignaturesUseNoXmlLibraryDomOrInternalType() throws Exception {
    List<String> violations = new ArrayList<>();
    List<Class<?>> classes = publicClasses();
    assertThat(classes)
        .contains(FakeEntra.class, ResponseBuilder.class, Attack.class, FakeEntraServer.class);
    for (Class<?> c : classes) {
      List<Type> types = new ArrayList<>();
      types.add(c.getGenericSuperclass());
      types.addAll(List.of(c.getGenericInterfaces()));
      List<Executable> members = new ArrayList<>(List.of(c.getConstructors()));
      for (Method m : c.getMethods()) {
        if (m.getDeclaringClass() == c) {
          members.add(m);
          types.add(m.getGenericReturnType());
        }
      }
      for (Executable e : members) {
        types.addAll(List.of(e.getGenericParameterTypes()));
        types.addAll(List.of(e.getGenericExceptionTypes()));
      }
      for (Field f : c.getFields()) {
        types.add(f.getGenericType());
      }
      for (Type t : types) {
        if (t == null) {
          continue;
        }
        String name = t.getTypeName();
        for (String bad : FORBIDDEN) {
          if (name.contains(bad)) {
            violations.add(c.getSimpleName() + ": " + name);
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void mainSourcesDoNotCiteTheTeamsDesignDocument() throws Exception {
    // Users read the javadoc without DESIGN.md: a contract is stated where it applies.
    List<String> citing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        if (source.contains("DESIGN §") || source.contains("DESIGN.md")) {
          citing.add(file.getFileName().toString());
        }
      }
    }
    assertThat(citing).isEmpty();
  }

  @Test
  void testkitDoesNotHaveCoreOnItsClasspath() {
    assertThat(FakeEntra.class.getClassLoader().getResource("io/cloudsign/saml/core")).isNull();
  }
}
