package io.cloudsign.saml.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Attacker input must not make the library's dependencies log: OpenSAML's parser pool logs every
 * rejected document at ERROR. A child JVM with slf4j-simple at INFO parses hostile documents and
 * its output holds none of OpenSAML's lines (the build's own tests run with logging off).
 */
class QuietParseTest {
  static final String[] HOSTILE = {
    "<samlp:Response", "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>", "<a></b>", "not xml"
  };

  /** Run in the child JVM: parses each hostile document, which must be rejected. */
  public static void main(String[] args) throws Exception {
    OpenSaml.get();
    for (String h : HOSTILE) {
      try {
        SecureXml.parse(h.getBytes(StandardCharsets.UTF_8), XmlBounds.RESPONSE);
        System.out.println("ACCEPTED " + h);
      } catch (SecureXml.RejectedXmlException e) {
        System.out.println("rejected");
      }
    }
  }

  @Test
  void parseWhenInputIsRejectedThenOpenSamlLogsNothing() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                QuietParseTest.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as(out).doesNotContain("ACCEPTED").contains("rejected");
    assertThat(out.lines().filter(l -> l.equals("rejected")).count()).isEqualTo(HOSTILE.length);
    assertThat(out).doesNotContain("BasicParserPool").doesNotContain("ERROR");
  }

  @Test
  void parseWhenInputIsRejectedThenTheReasonIsOurs() {
    assertThatThrownBy(
            () -> SecureXml.parse("<a></b>".getBytes(StandardCharsets.UTF_8), XmlBounds.RESPONSE))
        .isInstanceOf(SecureXml.RejectedXmlException.class)
        .hasMessageContaining("not well-formed XML");
  }
}
