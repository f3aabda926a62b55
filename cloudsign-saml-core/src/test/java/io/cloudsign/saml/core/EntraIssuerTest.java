package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Entra's issuer form, read by hand on every sign-in, against the regular expression it replaced.
 */
class EntraIssuerTest {
  private static final Pattern FORM =
      Pattern.compile(
          "https://sts\\.windows\\.net/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
              + "-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/");

  private static Optional<String> byRegex(String issuer) {
    Matcher m = FORM.matcher(issuer);
    return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  @Test
  void tenantIdWhenEntraFormThenLowerCaseId() {
    assertThat(
            EntraIssuer.tenantId("https://sts.windows.net/38E2A2ED-8abd-408f-9ee3-b60c5e7a7307/"))
        .contains("38e2a2ed-8abd-408f-9ee3-b60c5e7a7307");
    assertThat(EntraIssuer.tenantId("https://sts.windows.net/38e2a2ed-8abd-408f-9ee3-b60c5e7a7307"))
        .isEmpty();
    assertThat(
            EntraIssuer.tenantId("https://sts.windows.net/38e2a2ed-8abd-408f-9ee3-b60c5e7a730g/"))
        .isEmpty();
    assertThat(
            EntraIssuer.tenantId("https://sts.windows.net/38e2a2ed8-abd-408f-9ee3-b60c5e7a7307/"))
        .isEmpty();
    assertThat(EntraIssuer.tenantId("http://sts.windows.net/38e2a2ed-8abd-408f-9ee3-b60c5e7a7307/"))
        .isEmpty();
  }

  @Property(tries = 3000)
  void tenantIdAgreesWithTheRegularExpression(@ForAll("issuers") String issuer) {
    assertThat(EntraIssuer.tenantId(issuer)).isEqualTo(byRegex(issuer));
  }

  /** Issuers near Entra's form: its prefix, 36 characters from a small alphabet, an end. */
  @Provide
  Arbitrary<String> issuers() {
    Arbitrary<String> prefix =
        Arbitraries.of(
            "https://sts.windows.net/", "https://sts.windows.net", "https://sts.windowsxnet/");
    Arbitrary<String> middle =
        Arbitraries.strings()
            .withChars("0123456789abcdefABCDEFgG-/é")
            .ofMinLength(34)
            .ofMaxLength(38);
    Arbitrary<String> uuid =
        Arbitraries.strings()
            .withChars("0123456789abcdefABCDEF")
            .ofLength(32)
            .map(
                h ->
                    h.substring(0, 8)
                        + "-"
                        + h.substring(8, 12)
                        + "-"
                        + h.substring(12, 16)
                        + "-"
                        + h.substring(16, 20)
                        + "-"
                        + h.substring(20));
    Arbitrary<String> end = Arbitraries.of("/", "", "//", "/x", "\n/");
    return net.jqwik.api.Combinators.combine(prefix, Arbitraries.oneOf(middle, uuid), end)
        .as((p, m, e) -> p + m + e);
  }
}
