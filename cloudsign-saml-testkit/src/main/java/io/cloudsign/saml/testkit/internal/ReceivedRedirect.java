package io.cloudsign.saml.testkit.internal;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;

/**
 * A SAML message received by HTTP-Redirect (SAML Bindings §3.4.4): the inflated XML (bounded by
 * {@link Bindings#MAX_INFLATED_BYTES}), the decoded RelayState and SigAlg, and the signature with
 * the exact octets it covers, kept as received. Not API.
 */
public final class ReceivedRedirect {
  private final byte[] xml;
  private final String relayState;
  private final String sigAlg;
  private final String signedOctets;
  private final byte[] signature;

  private ReceivedRedirect(
      byte[] xml, String relayState, String sigAlg, String signedOctets, byte[] signature) {
    this.xml = xml;
    this.relayState = relayState;
    this.sigAlg = sigAlg;
    this.signedOctets = signedOctets;
    this.signature = signature;
  }

  /**
   * Reads {@code parameter} ({@code SAMLRequest} or {@code SAMLResponse}) from a redirect.
   *
   * @param urlOrQuery the full URL or just its query string
   * @throws IllegalArgumentException if the parameter is missing, is not base64 raw DEFLATE,
   *     inflates beyond the cap, or a Signature comes without SigAlg
   */
  public static ReceivedRedirect parse(String urlOrQuery, String parameter) {
    Objects.requireNonNull(urlOrQuery, "redirect URL");
    Map<String, String> raw = Bindings.rawQueryParameters(urlOrQuery);
    String message = raw.get(parameter);
    if (message == null) {
      throw new IllegalArgumentException("redirect has no " + parameter + " parameter");
    }
    byte[] xml = Bindings.inflate(Bindings.base64(Bindings.decode(message), parameter), parameter);
    String relay = raw.containsKey("RelayState") ? Bindings.decode(raw.get("RelayState")) : null;
    String sigAlg = raw.containsKey("SigAlg") ? Bindings.decode(raw.get("SigAlg")) : null;
    if (!raw.containsKey("Signature")) {
      return new ReceivedRedirect(xml, relay, sigAlg, null, null);
    }
    if (sigAlg == null) {
      throw new IllegalArgumentException("redirect has a Signature but no SigAlg");
    }
    return new ReceivedRedirect(
        xml,
        relay,
        sigAlg,
        Bindings.signedOctets(raw, parameter),
        Bindings.base64(Bindings.decode(raw.get("Signature")), "Signature"));
  }

  /** The inflated message (a copy). */
  public byte[] xml() {
    return xml.clone();
  }

  /** The decoded RelayState, or {@code null}. */
  public String relayState() {
    return relayState;
  }

  /** The decoded SigAlg, or {@code null}. */
  public String sigAlg() {
    return sigAlg;
  }

  /** Whether the query carries a Signature. */
  public boolean signed() {
    return signature != null;
  }

  /**
   * Whether the signature is RSA-SHA256 and verifies with {@code certificate} over the octets as
   * received; false when unsigned.
   */
  public boolean isSignedBy(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    return signature != null
        && RedirectSignature.RSA_SHA256.equals(sigAlg)
        && RedirectSignature.verifies(signedOctets, signature, certificate);
  }
}
