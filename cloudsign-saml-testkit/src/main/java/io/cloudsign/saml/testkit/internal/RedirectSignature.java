package io.cloudsign.saml.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * HTTP-Redirect signatures (SAML Bindings §3.4.4.1) as Entra makes and checks them: {@code SigAlg}
 * RSA-SHA256 (the only one Entra accepts), and {@code Signature} over the octets {@code
 * <message>=…[&RelayState=…]&SigAlg=…} taken from the query exactly as sent or received (never
 * decoded and re-encoded). Not API.
 */
public final class RedirectSignature {
  public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

  private RedirectSignature() {}

  /**
   * Why the query's AuthnRequest signature is not acceptable to Entra, or {@code null} when it
   * verifies with one of {@code certificates}.
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
    byte[] value;
    try {
      value = Base64.getMimeDecoder().decode(Bindings.decode(signature));
    } catch (IllegalArgumentException e) {
      return "the Signature is not base64";
    }
    String octets = Bindings.signedOctets(raw, "SAMLRequest");
    for (X509Certificate c : certificates) {
      if (verifies(octets, value, c)) {
        return null;
      }
    }
    return "the signature does not verify with any verification certificate";
  }

  /** Base64 of the RSA-SHA256 signature of {@code octets} (ASCII, as in the URL) by {@code key}. */
  public static String sign(SigningKey key, String octets) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key.privateKey());
      s.update(octets.getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the redirect", e);
    }
  }

  /**
   * Whether {@code signature} is {@code certificate}'s RSA-SHA256 signature over {@code octets}.
   */
  public static boolean verifies(String octets, byte[] signature, X509Certificate certificate) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(certificate.getPublicKey());
      s.update(octets.getBytes(StandardCharsets.US_ASCII));
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
