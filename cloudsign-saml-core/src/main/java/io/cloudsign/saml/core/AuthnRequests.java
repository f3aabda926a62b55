package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.RawDeflate;
import io.cloudsign.saml.core.internal.XmlText;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Builds and encodes AuthnRequests (SAML Core §3.4.1) the way Entra accepts them. The XML is
 * written from a fixed template: every value is configuration or generated, and escaped.
 */
final class AuthnRequests {
  static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
  private static final int MAX_RELAY_STATE_BYTES = 80;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration lifetime;

  AuthnRequests(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  SignInRequest create(Registration registration, String relayState) {
    if (relayState != null
        && relayState.getBytes(StandardCharsets.UTF_8).length > MAX_RELAY_STATE_BYTES) {
      throw new IllegalArgumentException(
          "relayState must be at most 80 bytes (SAML Bindings 3.4.3); keep the return path"
              + " server-side and send a short key");
    }
    Binding binding = registration.requestBinding();
    URI destination =
        registration.identityProvider().singleSignOnUrl(binding).orElseThrow(); // checked in build
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String id = newId();
    String xml = xml(registration, id, now, destination);
    PendingRequest pending =
        PendingRequest.of(registration.id(), id, now, now.plus(lifetime), relayState)
            .requesting(
                registration.forceAuthn(),
                registration.requestedAuthnContextClassRefs(),
                registration.nameIdFormat().orElse(null));
    if (binding == Binding.HTTP_REDIRECT) {
      String samlRequest = Base64.getEncoder().encodeToString(deflate(xml));
      URI url = redirectUrl(registration, destination, "SAMLRequest", samlRequest, relayState);
      return new SignInRequest(pending, binding, destination, samlRequest, url, null);
    }
    String samlRequest = Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    return new SignInRequest(
        pending,
        binding,
        destination,
        samlRequest,
        null,
        postForm(destination, samlRequest, relayState, null));
  }

  /** "_" + 128 random bits in hex: an NCName that never starts with a digit (Entra requires it). */
  private String newId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return "_" + HexFormat.of().formatHex(b);
  }

  private static String xml(Registration r, String id, Instant now, URI destination) {
    StringBuilder sb = new StringBuilder(768);
    sb.append("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"")
        .append(" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"")
        .append(" ID=\"")
        .append(id)
        .append('"')
        .append(" Version=\"2.0\"")
        .append(" IssueInstant=\"")
        .append(now)
        .append('"')
        .append(" Destination=\"")
        .append(XmlText.escape(destination.toString()))
        .append('"')
        .append(" AssertionConsumerServiceURL=\"")
        .append(XmlText.escape(r.replyUrl().toString()))
        .append('"')
        .append(" ProtocolBinding=\"")
        .append(Binding.HTTP_POST.uri())
        .append('"');
    if (r.forceAuthn()) {
      sb.append(" ForceAuthn=\"true\"");
    }
    if (r.passive()) {
      sb.append(" IsPassive=\"true\"");
    }
    sb.append("><saml:Issuer>").append(XmlText.escape(r.entityId())).append("</saml:Issuer>");
    r.nameIdFormat()
        .ifPresent(
            f ->
                sb.append("<samlp:NameIDPolicy Format=\"")
                    .append(XmlText.escape(f))
                    .append("\" AllowCreate=\"true\"/>"));
    if (!r.requestedAuthnContextClassRefs().isEmpty()) {
      sb.append("<samlp:RequestedAuthnContext Comparison=\"exact\">");
      for (String ref : r.requestedAuthnContextClassRefs()) {
        sb.append("<saml:AuthnContextClassRef>")
            .append(XmlText.escape(ref))
            .append("</saml:AuthnContextClassRef>");
      }
      sb.append("</samlp:RequestedAuthnContext>");
    }
    return sb.append("</samlp:AuthnRequest>").toString();
  }

  /** Raw DEFLATE (RFC 1951, no zlib header), as SAML Bindings §3.4.4.1 requires. */
  static byte[] deflate(String xml) {
    return RawDeflate.compress(xml.getBytes(StandardCharsets.UTF_8));
  }

  /** SAML Bindings §3.4.4.1: the signature covers the exact URL-encoded query bytes. */
  static URI redirectUrl(
      Registration r, URI destination, String parameter, String message, String relayState) {
    StringBuilder query = new StringBuilder(message.length() + 512).append(parameter).append('=');
    appendBase64UrlEncoded(query, message);
    if (relayState != null) {
      query.append("&RelayState=").append(urlEncode(relayState));
    }
    if (r.requestSigningKey().isPresent()) {
      query.append("&SigAlg=").append(urlEncode(RSA_SHA256));
      String signature = sign(r.requestSigningKey().get(), query.toString());
      query.append("&Signature=").append(urlEncode(signature));
    }
    String base = destination.toString();
    return URI.create(base + (destination.getRawQuery() == null ? '?' : '&') + query);
  }

  private static String sign(PrivateKey key, String signedQuery) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(signedQuery.getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign the AuthnRequest: " + e.getMessage(), e);
    }
  }

  /**
   * Appends base64 text percent-encoded exactly as {@link URLEncoder} would encode it: letters and
   * digits as they are, {@code + / =} as {@code %2B %2F %3D}.
   */
  static void appendBase64UrlEncoded(StringBuilder sb, String base64) {
    int escapes = 0;
    for (int i = 0; i < base64.length(); i++) {
      char c = base64.charAt(i);
      if (c == '+' || c == '/' || c == '=') {
        escapes++;
      } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("not base64: " + (int) c);
      }
    }
    byte[] out = new byte[base64.length() + 2 * escapes];
    int j = 0;
    for (int i = 0; i < base64.length(); i++) {
      char c = base64.charAt(i);
      if (c == '+' || c == '/' || c == '=') {
        out[j++] = '%';
        out[j++] = (byte) (c == '=' ? '3' : '2');
        out[j++] = (byte) (c == '+' ? 'B' : c == '/' ? 'F' : 'D');
      } else {
        out[j++] = (byte) c;
      }
    }
    sb.append(new String(out, StandardCharsets.ISO_8859_1));
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * The auto-submitting form. Without a nonce the submit runs from an inline {@code onload}
   * handler; with one, from a {@code <script nonce>} that a strict Content-Security-Policy allows.
   */
  static String postForm(URI destination, String samlRequest, String relayState, String nonce) {
    StringBuilder sb =
        new StringBuilder(1024)
            .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
            .append("<title>Signing in…</title></head>")
            .append(nonce == null ? "<body onload=\"document.forms[0].submit()\">" : "<body>")
            .append("<form method=\"post\" action=\"")
            .append(XmlText.escape(destination.toString()))
            .append("\"><input type=\"hidden\" name=\"SAMLRequest\" value=\"")
            .append(samlRequest)
            .append("\">");
    if (relayState != null) {
      sb.append("<input type=\"hidden\" name=\"RelayState\" value=\"")
          .append(XmlText.escape(relayState))
          .append("\">");
    }
    sb.append("<noscript><button type=\"submit\">Continue</button></noscript></form>");
    if (nonce != null) {
      sb.append("<script nonce=\"")
          .append(XmlText.escape(nonce))
          .append("\">document.forms[0].submit()</script>");
    }
    return sb.append("</body></html>").toString();
  }
}
