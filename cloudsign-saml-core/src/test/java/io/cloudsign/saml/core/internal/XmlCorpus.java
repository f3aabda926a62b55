package io.cloudsign.saml.core.internal;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * The documents the XML fast paths' differential tests run on: genuine Responses and metadata of
 * the fake Entra, the Response and metadata fuzz corpora, and a Response with each named attack of
 * the testkit.
 */
final class XmlCorpus {
  private static final Path RESOURCES = Path.of("src/test/resources/io/cloudsign/saml/core");
  private static final FakeEntra ENTRA = FakeEntra.builder().build();

  private XmlCorpus() {}

  /** One document and where it came from. */
  record Named(String name, byte[] xml) {}

  private static ResponseBuilder response() {
    return ENTRA
        .response()
        .destination("https://sp.example.com/saml2/idpresponse")
        .audience("urn:amazon:cognito:sp:ap-northeast-1_example")
        .inResponseTo("_request-1");
  }

  /** What Entra sends: Responses signed three ways, and its metadata. */
  static List<Named> genuine() {
    return List.of(
        named("Assertion signed", response().buildXml()),
        named("Response signed", response().signResponse().buildXml()),
        named("Response and Assertion signed", response().signResponseAndAssertion().buildXml()),
        named("metadata", ENTRA.metadataXml()));
  }

  /** The fuzz targets' stored inputs (the form-value ones base64-decoded). */
  static List<Named> fuzzCorpora() throws IOException {
    List<Named> out = new ArrayList<>();
    for (String dir :
        List.of("ResponseFuzzTestInputs/validateXml", "MetadataFuzzTestInputs/parseMetadata")) {
      for (Path p : files(RESOURCES.resolve(dir))) {
        out.add(new Named(p.toString(), Files.readAllBytes(p)));
      }
    }
    for (Path p : files(RESOURCES.resolve("ResponseFuzzTestInputs/validateFormValue"))) {
      try {
        out.add(new Named(p.toString(), Base64.getMimeDecoder().decode(Files.readAllBytes(p))));
      } catch (IllegalArgumentException notBase64) {
        // a form value that never reached the parser
      }
    }
    return out;
  }

  /** A Response with each named attack the testkit builds without a hand-made argument. */
  static List<Named> attackResponses() throws Exception {
    List<Named> out = new ArrayList<>();
    for (Attack attack : attacks()) {
      try {
        out.add(named(attack.toString(), response().with(attack).buildXml()));
      } catch (RuntimeException needsAnotherSetup) {
        // e.g. an encryption attack without an SP encryption certificate
      }
    }
    return out;
  }

  private static Named named(String name, String xml) {
    return new Named(name, xml.getBytes(StandardCharsets.UTF_8));
  }

  /** Every named attack the testkit can build without an argument it cannot make up. */
  private static List<Attack> attacks() throws Exception {
    List<Attack> out = new ArrayList<>();
    for (Method m : Attack.class.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != Attack.class) {
        continue;
      }
      List<Object[]> argLists = new ArrayList<>();
      argLists.add(new Object[0]);
      for (Class<?> type : m.getParameterTypes()) {
        List<Object[]> next = new ArrayList<>();
        for (Object[] args : argLists) {
          for (Object value : values(type)) {
            Object[] longer = Arrays.copyOf(args, args.length + 1);
            longer[args.length] = value;
            next.add(longer);
          }
        }
        argLists = next;
      }
      for (Object[] args : argLists) {
        out.add((Attack) m.invoke(null, args));
      }
    }
    return out;
  }

  private static List<?> values(Class<?> type) {
    if (type == String.class) {
      return List.of("admin@contoso.com");
    }
    if (type == int.class) {
      return List.of(3);
    }
    if (type == Instant.class) {
      return List.of(Instant.now());
    }
    if (type.isEnum()) {
      return List.of(type.getEnumConstants());
    }
    return List.of(); // certificates, edits, varargs: built by their own tests
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
