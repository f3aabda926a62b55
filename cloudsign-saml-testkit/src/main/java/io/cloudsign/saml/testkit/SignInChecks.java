package io.cloudsign.saml.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Entra's side of a sign-in, for {@link FakeEntraServer}: the checks of an AuthnRequest before the
 * login page, and the user a typed NameID signs in as.
 */
final class SignInChecks {
  private SignInChecks() {}

  /** Entra's checks of an AuthnRequest: {code, message} of the first it fails, or null. */
  static String[] refusal(FakeEntra entra, AuthnRequestInfo req) {
    if (!req.id().isEmpty() && Character.isDigit(req.id().charAt(0))) {
      return new String[] {
        "AADSTS7500529",
        "The value '" + req.id() + "' is not a valid SAML ID. The ID must not begin with a number."
      };
    }
    List<String> replyUrls = entra.applications().get(req.issuer());
    if (replyUrls == null && !entra.applications().isEmpty()) {
      return new String[] {
        "AADSTS700016",
        "Application with identifier '"
            + req.issuer()
            + "' was not found in the directory '"
            + entra.tenantId()
            + "'. This can happen if the application has not been installed by the administrator"
            + " of the tenant or consented to by any user in the tenant."
      };
    }
    String acs = req.assertionConsumerServiceUrl();
    if (replyUrls == null || (acs != null && !replyUrls.contains(acs))) {
      return new String[] {
        "AADSTS50011",
        "The redirect URI '"
            + (acs == null ? "" : acs)
            + "' specified in the request does not match the redirect URIs configured for the"
            + " application '"
            + req.issuer()
            + "'."
            + (entra.applications().isEmpty()
                ? " (No application is registered: use FakeEntra.builder().application(identifier,"
                    + " replyUrl).)"
                : "")
      };
    }
    if (req.hasSubject()) {
      return new String[] {
        "AADSTS90011", "The SAML authentication request property 'Subject' is not supported."
      };
    }
    return null;
  }

  /** The configured user with this NameID (case-insensitive), else one made up for it. */
  static TestUser typedUser(FakeEntra entra, String nameId) {
    for (TestUser u : entra.users()) {
      if (u.nameId().equalsIgnoreCase(nameId)) {
        return u;
      }
    }
    TestUser.Builder b =
        TestUser.builder()
            .nameId(nameId)
            .objectId(UUID.nameUUIDFromBytes(nameId.getBytes(StandardCharsets.UTF_8)).toString())
            .displayName(nameId);
    if (nameId.contains("@")) {
      b.email(nameId);
    }
    return b.build();
  }
}
