package io.cloudsign.saml.testkit;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Single-logout helpers for the tests, written independently of the testkit's own codecs: the
 * HTTP-Redirect binding done by hand with the JDK (raw DEFLATE, base64, URL encoding, RSA-SHA256).
 */
final class Slo {
  static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
  static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

  /** A percent-escape with an upper-case hex letter ({@code %2F}): never in Entra's encoding. */
  static final Pattern UPPER_CASE_ESCAPE = Pattern.compile("%([0-9A-F][A-F]|[A-F][0-9])");

  private Slo() {}

  /** A redirect URL's query string, as it stands. */
  static String queryOf(String url) {
    return url.substring(url.indexOf('?') + 1);
  }

  /** The signed octets as they stand in the URL: everything before {@code &Signature=}. */
  static String signedPart(String url) {
    String q = queryOf(url);
    return q.substring(0, q.indexOf("&Signature="));
  }

  /** A LogoutRequest as an SP sends it; {@code extra} goes after the NameID. */
  static String logoutRequest(String id, String issuer, String destination, String extra) {
    return "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\""
        + id
        + "\" Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:00.123Z\""
        + (destination == null ? "" : " Destination=\"" + destination + "\"")
        + "><saml:Issuer>"
        + issuer
        + "</saml:Issuer><saml:NameID"
        + " Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">"
        + "bsimon@contoso.com</saml:NameID>"
        + extra
        + "</samlp:LogoutRequest>";
  }

  /** Raw DEFLATE (no zlib header), base64, URL-encoded: the SAMLRequest value. */
  static String deflatedParameter(String xml) {
    Deflater deflater = new Deflater(Deflater.DEFLATED, true);
    deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!deflater.finished()) {
      out.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    return enc(Base64.getEncoder().encodeToString(out.toByteArray()));
  }

  /** {@code SAMLRequest=…[&RelayState=…]}, unsigned. */
  static String query(String xml, String relayStateOrNull) {
    return query("SAMLRequest", xml, relayStateOrNull);
  }

  /** {@code <parameter>=…[&RelayState=…]}, unsigned. */
  static String query(String parameter, String xml, String relayStateOrNull) {
    return parameter
        + "="
        + deflatedParameter(xml)
        + (relayStateOrNull == null ? "" : "&RelayState=" + enc(relayStateOrNull));
  }

  /** A LogoutResponse as an SP sends it; {@code destination} and {@code inResponseTo} optional. */
  static String logoutResponse(String id, String inResponseTo, String issuer, String destination) {
    return "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\""
        + id
        + "\" Version=\"2.0\" IssueInstant=\"2026-04-01T12:00:02.5Z\""
        + (destination == null ? "" : " Destination=\"" + destination + "\"")
        + (inResponseTo == null ? "" : " InResponseTo=\"" + inResponseTo + "\"")
        + "><saml:Issuer>"
        + issuer
        + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\""
        + SUCCESS
        + "\"/></samlp:Status></samlp:LogoutResponse>";
  }

  /** Appends SigAlg RSA-SHA256 and a Signature over the query as it stands. */
  static String signed(String query, PrivateKey key) throws Exception {
    String withAlg = query + "&SigAlg=" + enc(RSA_SHA256);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update(withAlg.getBytes(StandardCharsets.US_ASCII));
    return withAlg + "&Signature=" + enc(Base64.getEncoder().encodeToString(s.sign()));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The query's parameters, still URL-encoded, in order. */
  static Map<String, String> rawParameters(String url) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
      int eq = pair.indexOf('=');
      out.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return out;
  }

  /** The LogoutResponse XML carried by a redirect URL's SAMLResponse. */
  static String logoutResponseXml(String url) throws Exception {
    return inflated(url, "SAMLResponse");
  }

  /** The XML carried by a redirect URL's {@code parameter}, inflated with the JDK. */
  static String inflated(String url, String parameter) throws Exception {
    byte[] deflated = Base64.getDecoder().decode(dec(rawParameters(url).get(parameter)));
    Inflater inflater = new Inflater(true);
    inflater.setInput(deflated);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!inflater.finished()) {
      int n = inflater.inflate(buf);
      if (n == 0 && inflater.needsInput()) {
        throw new IllegalStateException("truncated " + parameter);
      }
      out.write(buf, 0, n);
    }
    inflater.end();
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Whether {@code signature} (URL-encoded base64) verifies over {@code octets}. */
  static boolean verifies(String octets, String signatureParameter, PublicKey key)
      throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(key);
    s.update(octets.getBytes(StandardCharsets.US_ASCII));
    return s.verify(Base64.getDecoder().decode(dec(signatureParameter)));
  }
}
