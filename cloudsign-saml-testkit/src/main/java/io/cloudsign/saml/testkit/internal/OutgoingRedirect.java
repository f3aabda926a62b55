package io.cloudsign.saml.testkit.internal;

import java.util.Base64;

/**
 * A SAML message sent as Entra sends it by HTTP-Redirect (SAML Bindings §3.4.4): raw DEFLATE,
 * base64, parameters in the binding's order and percent-encoded with Entra's lower-case hex digits,
 * optionally signed over those exact octets. Not API.
 */
public final class OutgoingRedirect {
  /** How the redirect is signed: not at all, genuinely, or in one hostile way. */
  public enum Signing {
    NONE,
    GENUINE,
    /** Signed with the active key over the parameters in another order. */
    REORDERED_QUERY,
    /** Laid out and signed correctly, by the attacker key (Entra's subject, never published). */
    ANOTHER_KEY;

    /** The choice after a builder's {@code signed()}: a hostile variant already chosen stays. */
    public Signing signed() {
      return this == NONE ? GENUINE : this;
    }

    /**
     * The choice after a builder's hostile {@code variant}.
     *
     * @throws IllegalStateException if the other hostile variant was chosen: both change the same
     *     signature
     */
    public Signing hostile(Signing variant) {
      if (this != NONE && this != GENUINE && this != variant) {
        throw new IllegalStateException(
            "signatureOverReorderedQuery and signedByAnotherKey change the same signature:"
                + " pick one");
      }
      return variant;
    }
  }

  private OutgoingRedirect() {}

  /**
   * {@code target} with {@code <parameter>=…[&RelayState=…][&SigAlg=…&Signature=…]} appended.
   *
   * @param parameter {@code SAMLRequest} or {@code SAMLResponse}
   * @param activeKey the key a genuine or reordered signature is made with
   */
  public static String url(
      String target,
      String parameter,
      String xml,
      String relayStateOrNull,
      Signing signing,
      SigningKey activeKey) {
    String message = Base64.getEncoder().encodeToString(Bindings.deflate(Xml.utf8(xml)));
    String first = parameter + "=" + Bindings.encodeLowerCase(message);
    String relay =
        relayStateOrNull == null
            ? null
            : "RelayState=" + Bindings.encodeLowerCase(relayStateOrNull);
    StringBuilder query = new StringBuilder(first);
    if (relay != null) {
      query.append('&').append(relay);
    }
    if (signing != Signing.NONE) {
      String sigAlg = "SigAlg=" + Bindings.encodeLowerCase(RedirectSignature.RSA_SHA256);
      query.append('&').append(sigAlg);
      String octets =
          switch (signing) {
            case REORDERED_QUERY ->
                relay != null ? relay + "&" + first + "&" + sigAlg : sigAlg + "&" + first;
            default -> query.toString();
          };
      SigningKey key = signing == Signing.ANOTHER_KEY ? Certificates.attacker() : activeKey;
      query
          .append("&Signature=")
          .append(Bindings.encodeLowerCase(RedirectSignature.sign(key, octets)));
    }
    return target + (target.contains("?") ? "&" : "?") + query;
  }
}
