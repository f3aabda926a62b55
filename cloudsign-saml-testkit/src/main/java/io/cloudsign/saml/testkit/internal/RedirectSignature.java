package io.cloudsign.saml.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Entra's check of a signed HTTP-Redirect AuthnRequest (SAML Bindings §3.4.4.1): {@code SigAlg} is
 * RSA-SHA256 (the only one Entra accepts), and {@code Signature} verifies over the octets {@code
 * SAMLRequest=…[&RelayState=…]&SigAlg=…} taken from the query exactly as received (never decoded
 * and re-encoded), with one of the verification certificates. Not API.
 */
public final class RedirectSignature {
  public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

  private RedirectSignature() {}

  /**
   * Why the query's signature is not acceptable, or {@code null} when it verifies.
   *
   * @param rawQuery the query string as received, still percent-encoded
   */
  public static String problem(String rawQuery, List<X509Certificate> certificates) {
    Map<String, String> raw;
    try {
      raw = Bindings.rawQueryParameters(rawQuery);
    } catch (IllegalArgumentException e) {
      return "the query cannot be read";
    }
    String sigAlg = raw.get("SigAlg");
    String signature = raw.get("Signature");
    if (sigAlg == null || signature == null) {
      return "the request is not signed";
    }
    if (!RSA_SHA256.equals(Bindings.decode(sigAlg))) {
      return "SigAlg " + Bindings.decode(sigAlg) + " is not RSA-SHA256";
    }
    StringBuilder signed = new StringBuilder("SAMLRequest=").append(raw.get("SAMLRequest"));
    if (raw.containsKey("RelayState")) {
      signed.append("&RelayState=").append(raw.get("RelayState"));
    }
    signed.append("&SigAlg=").append(sigAlg);
    byte[] value;
    try {
      value = Base64.getMimeDecoder().decode(Bindings.decode(signature));
    } catch (IllegalArgumentException e) {
      return "the Signature is not base64";
    }
    byte[] octets = signed.toString().getBytes(StandardCharsets.US_ASCII);
    for (X509Certificate c : certificates) {
      try {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(c.getPublicKey());
        s.update(octets);
        if (s.verify(value)) {
          return null;
        }
      } catch (GeneralSecurityException e) {
        // not this certificate
      }
    }
    return "the signature does not verify with any verification certificate";
  }
}
