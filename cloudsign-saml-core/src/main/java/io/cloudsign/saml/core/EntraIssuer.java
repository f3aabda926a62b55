package io.cloudsign.saml.core;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Entra's sign-in issuer form, {@code https://sts.windows.net/<tenant id>/}. */
final class EntraIssuer {
  private static final String PREFIX = "https://sts.windows.net/";

  private static final Pattern TEMPLATE =
      Pattern.compile(
          "https://(sts\\.windows\\.net|login\\.microsoftonline\\.com)/\\{[^/]*\\}(/.*)?",
          Pattern.CASE_INSENSITIVE);

  private EntraIssuer() {}

  /**
   * A problem message if {@code entityId} is the placeholder of Entra's documentation or of a
   * template ({@code https://sts.windows.net/{tenantid}/}) instead of a tenant's identifier, else
   * {@code null}. No Response can ever match it, so it is refused when the IdP is configured.
   */
  static String templateProblem(String entityId) {
    if (entityId == null || !TEMPLATE.matcher(entityId.strip()).matches()) {
      return null;
    }
    return "the IdP entity ID "
        + entityId.strip()
        + " is Entra's placeholder, not a tenant's: use the Federation Metadata XML of your"
        + " enterprise application (Single sign-on > SAML Certificates), whose entityID names"
        + " your tenant id";
  }

  /**
   * The tenant id (lower case) if {@code issuer} has Entra's form, {@code
   * https://sts.windows.net/<8-4-4-4-12 hex digits>/}. Checked by hand, not by a regular
   * expression: it runs on every sign-in.
   */
  static Optional<String> tenantId(String issuer) {
    int from = PREFIX.length();
    if (issuer.length() != from + 37
        || !issuer.startsWith(PREFIX)
        || issuer.charAt(from + 36) != '/') {
      return Optional.empty();
    }
    for (int k = 0; k < 36; k++) {
      char c = issuer.charAt(from + k);
      boolean ok =
          k == 8 || k == 13 || k == 18 || k == 23
              ? c == '-'
              : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return Optional.empty();
      }
    }
    return Optional.of(issuer.substring(from, from + 36).toLowerCase(Locale.ROOT));
  }
}
