package io.cloudsign.saml.core;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Entra's sign-in issuer form, {@code https://sts.windows.net/<tenant id>/}. */
final class EntraIssuer {
  private static final Pattern FORM =
      Pattern.compile(
          "https://sts\\.windows\\.net/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
              + "-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/");

  private EntraIssuer() {}

  /** The tenant id (lower case) if {@code issuer} has Entra's form. */
  static Optional<String> tenantId(String issuer) {
    Matcher m = FORM.matcher(issuer);
    return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
