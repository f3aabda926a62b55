package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules that hold the Response to what the AuthnRequest asked: fresh authentication, an
 * authentication context, a NameID Format. The request travels through the browser unsigned (or
 * signed, but the browser can still drop the redirect and send its own), so asking is not enough:
 * what was asked, by the pending request or by the registration, is checked here. See {@link
 * ResponseRules#ORDER}.
 */
final class RequestedRules {
  static final String MULTIPLE_AUTHN = "http://schemas.microsoft.com/claims/multipleauthn";
  private static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

  private RequestedRules() {}

  /** ForceAuthn (SAML Core §3.4.1): the AuthnInstant is not before the request (minus skew). */
  static void forceAuthn(Validation v) {
    if (v.authn == null || v.request == null) {
      return; // reported by the authn-statement and in-response-to rules
    }
    if (!v.request.forceAuthn() && !v.registration.forceAuthn()) {
      return;
    }
    Instant authnInstant = v.authn.authnInstant();
    Instant earliest = v.request.issuedAt().minus(v.skew);
    if (authnInstant == null || authnInstant.isBefore(earliest)) {
      v.fail(
          ErrorCode.AUTHENTICATION_TOO_OLD,
          "ForceAuthn was requested at "
              + v.request.issuedAt()
              + " but the AuthnInstant is "
              + authnInstant);
    }
  }

  /**
   * RequestedAuthnContext, Comparison exact (SAML Core §3.3.2.2.1): the assertion shows one of the
   * requested values. Entra usually keeps {@code AuthnContextClassRef} at {@code …:Password} after
   * MFA and lists {@code …/claims/multipleauthn} in the {@code authnmethodsreferences} claim
   * instead; a requested value found there counts too (that claim is in the signed assertion).
   */
  static void authnContext(Validation v) {
    if (v.authn == null || v.request == null) {
      return;
    }
    Set<String> requested = new LinkedHashSet<>(v.request.authnContextClassRefs());
    requested.addAll(v.registration.requestedAuthnContextClassRefs());
    if (requested.isEmpty()) {
      return;
    }
    if (v.authn.classRef() != null && requested.contains(v.authn.classRef())) {
      return;
    }
    String amrClaim =
        v.registration.claimMapping().attributeName(EntraClaim.AUTHN_METHODS_REFERENCES);
    List<String> methods = v.assertion.attributes().getOrDefault(amrClaim, List.of());
    for (String m : methods) {
      if (requested.contains(m)) {
        return;
      }
    }
    v.fail(
        ErrorCode.AUTHN_CONTEXT_NOT_SATISFIED,
        "requested "
            + LogSafe.text(String.join(", ", requested))
            + " (exact); the assertion has AuthnContextClassRef "
            + LogSafe.text(v.authn.classRef())
            + " and authnmethodsreferences "
            + LogSafe.text(String.join(", ", methods)));
  }

  /** NameIDPolicy Format (SAML Core §3.4.1.1): the NameID has the requested Format. */
  static void nameIdFormat(Validation v) {
    if (v.nameId == null || v.request == null) {
      return;
    }
    String requested = v.request.nameIdFormat().orElse(v.registration.nameIdFormat().orElse(null));
    if (requested == null || requested.equals(UNSPECIFIED)) {
      return;
    }
    if (!requested.equals(v.nameId.format())) {
      v.fail(
          ErrorCode.NAME_ID_FORMAT_MISMATCH,
          "NameID Format is "
              + LogSafe.text(v.nameId.format())
              + ", requested "
              + LogSafe.text(requested));
    }
  }
}
