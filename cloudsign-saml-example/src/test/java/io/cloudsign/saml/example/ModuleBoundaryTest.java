package io.cloudsign.saml.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The module boundary as a user meets it: a user module compiled and run on the module path against
 * the built core, servlet and testkit (their jars or classes from this test's class path, with
 * exactly the modules their descriptors require, transitively). The internals do not compile; the
 * public API compiles and signs in against the fake Entra, so OpenSAML and Santuario initialise on
 * the module path too. Every other test of the project runs on the class path.
 */
class ModuleBoundaryTest {
  private static final List<String> OUR_MODULES =
      List.of("io.cloudsign.saml.core", "io.cloudsign.saml.servlet", "io.cloudsign.saml.testkit");

  /** Modules on this test's class path, by name (the first entry holding one wins, as in java). */
  private static final Map<String, ModuleReference> ON_CLASS_PATH = modulesOnClassPath();

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"io.cloudsign.saml.core", "io.cloudsign.saml.servlet", "io.cloudsign.saml.testkit"})
  void descriptorWhenReadThenIsExplicitAndExportsOnlyTheApiPackage(String module) {
    ModuleDescriptor descriptor = ours(module).descriptor();

    assertThat(descriptor.isAutomatic()).as("%s has a module-info", module).isFalse();
    assertThat(descriptor.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly(module);
    assertThat(descriptor.exports()).allMatch(e -> !e.isQualified());
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.packages()).contains(module + ".internal");
  }

  @ParameterizedTest
  @CsvSource({
    "io.cloudsign.saml.core, io.cloudsign.saml.core.internal.LogSafe, LogSafe.text(\"x\")",
    "io.cloudsign.saml.servlet, io.cloudsign.saml.servlet.internal.Html, Html.escape(\"x\")",
    "io.cloudsign.saml.testkit, io.cloudsign.saml.testkit.internal.Xml, Xml.XMLNS"
  })
  void compileWhenUserModuleImportsAnInternalClassThenFailsWithPackageNotVisible(
      String module, String internalClass, String use) throws IOException {
    String internalPackage = internalClass.substring(0, internalClass.lastIndexOf('.'));
    Path src =
        userModule(
            "requires " + module + ";",
            "import " + internalClass + ";",
            "Object o = " + use + "; System.out.println(o);");

    Compilation result = compile(src);

    assertThat(result.success()).as(result.toString()).isFalse();
    assertThat(result.errors())
        .as(result.toString())
        .anySatisfy(
            d -> {
              assertThat(d.getCode()).isEqualTo("compiler.err.package.not.visible");
              assertThat(d.getMessage(Locale.ROOT)).contains(internalPackage);
            });
  }

  @Test
  void compileWhenUserModuleUsesOnlyThePublicApiThenCompilesAndSignsInOnTheModulePath()
      throws Exception {
    Path src =
        userModule(
            // core arrives through the servlet module's requires transitive
            "requires io.cloudsign.saml.servlet; requires io.cloudsign.saml.testkit;",
            String.join(
                "\n",
                "import io.cloudsign.saml.core.*;",
                "import io.cloudsign.saml.servlet.*;",
                "import io.cloudsign.saml.testkit.*;"),
            SIGN_IN);

    Compilation result = compile(src);
    assertThat(result.success()).as(result.toString()).isTrue();

    Run run = runMain(result.classes());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout())
        .as(run.toString())
        .contains("nameId=B.Simon@contoso.com")
        .contains("tampered=invalid_signature")
        .contains("filter=configured")
        .contains("core=module io.cloudsign.saml.core")
        .contains("testkit=module io.cloudsign.saml.testkit");
  }

  /**
   * Builds a ServiceProvider from the fake Entra's metadata (OpenSAML's unmarshallers), validates a
   * freshly signed Response (Santuario) and a tampered one, and builds the filter. The types
   * javax.sql.DataSource and jakarta.servlet.Filter are named to prove the requires transitive.
   */
  private static final String SIGN_IN =
      String.join(
          "\n",
          "FakeEntra entra = FakeEntra.create();",
          "ServiceProvider sp = ServiceProvider.builder()",
          "    .registration(Registration.builder(\"app\")",
          "        .entityId(\"urn:example:app\")",
          "        .replyUrl(\"http://localhost:8080/saml2/idpresponse\")",
          "        .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))",
          "        .build())",
          "    .clock(entra.clock())",
          "    .build();",
          "SignInRequest request = sp.startSignIn(\"app\", null);",
          "AuthnRequestInfo received = entra.parseRedirect(request.redirectUrl().toString());",
          "String good = entra.respondTo(received).user(TestUser.bSimon()).build();",
          "System.out.println(\"nameId=\" + sp.validate(good, request.pending()).nameId());",
          "String bad = entra.respondTo(received).user(TestUser.bSimon())",
          "    .with(Attack.afterSigning(x -> x.replace(\"B.Simon\", \"A.Admin\"))).build();",
          "try {",
          "  sp.validate(bad, request.pending());",
          "  System.out.println(\"tampered=accepted\");",
          "} catch (SamlValidationException e) {",
          "  System.out.println(\"tampered=\" + e.code().id());",
          "}",
          "java.util.function.Function<javax.sql.DataSource, ReplayCache> jdbc =",
          "    JdbcReplayCache::new;",
          "jakarta.servlet.Filter filter =",
          "    SamlSsoFilter.builder(sp, a -> LocalUser.of(a.nameId())).build();",
          "System.out.println(\"filter=\" + (filter != null ? \"configured\" : \"null\"));",
          "System.out.println(\"core=\" + ServiceProvider.class.getModule());",
          "System.out.println(\"testkit=\" + FakeEntra.class.getModule());");

  /** A module {@code user.app} with one class, {@code user.app.Main}, whose main runs body. */
  private Path userModule(String requires, String imports, String body) throws IOException {
    Path src = dir.resolve("src");
    Path pkg = Files.createDirectories(src.resolve("user/app"));
    Files.writeString(src.resolve("module-info.java"), "module user.app { " + requires + " }\n");
    Files.writeString(
        pkg.resolve("Main.java"),
        String.join(
            "\n",
            "package user.app;",
            imports,
            "public final class Main {",
            "  public static void main(String[] args) throws Exception {",
            body,
            "  }",
            "}",
            ""),
        UTF_8);
    return src;
  }

  private Compilation compile(Path src) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path classes = Files.createDirectories(dir.resolve("classes"));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter out = new StringWriter();
    try (StandardJavaFileManager files =
            javac.getStandardFileManager(diagnostics, Locale.ROOT, UTF_8);
        Stream<Path> walk = Files.walk(src)) {
      List<File> sources =
          walk.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).toList();
      List<String> options =
          List.of(
              "--module-path", modulePath(), "-d", classes.toString(), "-proc:none", "-Xlint:all");
      boolean ok =
          javac
              .getTask(
                  out,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromFiles(sources))
              .call();
      return new Compilation(ok, diagnostics.getDiagnostics(), out.toString(), classes);
    }
  }

  private Run runMain(Path classes) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "--module-path",
                classes + File.pathSeparator + modulePath(),
                "-m",
                "user.app/user.app.Main")
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the module-path JVM did not finish in 120 s");
    }
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  /**
   * The built core, servlet and testkit and what their descriptors require, transitively: no more,
   * so a dependency they use but do not require fails here (automatic modules such as OpenSAML's
   * read every module but have none resolved for them).
   */
  private static String modulePath() {
    Set<String> paths = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(OUR_MODULES);
    Set<String> seen = new LinkedHashSet<>();
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name) || ModuleFinder.ofSystem().find(name).isPresent()) {
        continue;
      }
      ModuleReference ref = ON_CLASS_PATH.get(name);
      if (ref == null) {
        throw new AssertionError(
            name + " is required but no class path entry holds it; ours found: " + ourNames());
      }
      paths.add(Path.of(ref.location().orElseThrow()).toString());
      for (ModuleDescriptor.Requires r : ref.descriptor().requires()) {
        // requires static (JUnit's apiguardian, Guava's annotations): javac wants them if present
        if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
            || ON_CLASS_PATH.containsKey(r.name())) {
          todo.add(r.name());
        }
      }
    }
    return String.join(File.pathSeparator, paths);
  }

  private static ModuleReference ours(String name) {
    ModuleReference ref = ON_CLASS_PATH.get(name);
    assertThat(ref)
        .as(
            "module %s on the class path (a jar without module-info is an automatic module with"
                + " another name, a classes directory without one no module); ours found: %s",
            name, ourNames())
        .isNotNull();
    return ref;
  }

  /** Modules on the class path with cloudsign in their name, explicit or automatic. */
  private static List<String> ourNames() {
    return ON_CLASS_PATH.keySet().stream().filter(n -> n.contains("cloudsign")).toList();
  }

  private static Map<String, ModuleReference> modulesOnClassPath() {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    Map<String, ModuleReference> modules = new LinkedHashMap<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      moduleAt(Path.of(entry)).ifPresent(m -> modules.putIfAbsent(m.descriptor().name(), m));
    }
    return modules;
  }

  /** The module a class path entry would be on the module path: a jar or an exploded module. */
  private static Optional<ModuleReference> moduleAt(Path entry) {
    boolean jar = Files.isRegularFile(entry) && entry.toString().endsWith(".jar");
    boolean exploded = Files.isRegularFile(entry.resolve("module-info.class"));
    if (!jar && !exploded) {
      return Optional.empty();
    }
    try {
      Set<ModuleReference> found = ModuleFinder.of(entry).findAll();
      return found.size() == 1 ? Optional.of(found.iterator().next()) : Optional.empty();
    } catch (FindException e) {
      return Optional.empty(); // not a valid module (e.g. no derivable name): not one of ours
    }
  }

  private record Compilation(
      boolean success,
      List<Diagnostic<? extends JavaFileObject>> diagnostics,
      String output,
      Path classes) {
    List<Diagnostic<? extends JavaFileObject>> errors() {
      return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
    }

    @Override
    public String toString() {
      return diagnostics.stream()
              .map(d -> d.getCode() + ": " + d.getMessage(Locale.ROOT))
              .collect(Collectors.joining("\n"))
          + output;
    }
  }

  private record Run(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }
}
