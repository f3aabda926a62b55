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

  /** The tenant id (lower case) if {@code issuer} has Entra's form. */
  static Optional<String> tenantId(String issuer) {
    Matcher m = FORM.matcher(issuer);
    return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
