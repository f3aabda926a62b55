package io.cloudsign.saml.core;

import static io.cloudsign.saml.core.LogoutMessages.fail;

import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.XmlBounds;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The HTTP-Redirect binding of logout messages (SAML Bindings §3.4), as Entra sends them: the raw
 * query's parameters, the signature over the query exactly as received ({@code SAMLRequest=…
 * &RelayState=…&SigAlg=…}, the raw substrings in that order), never over a re-encoding (Entra's
 * lower-cased escapes would not survive one), and the bounded inflate and strict parse of the
 * message. What is checked after decoding is {@link LogoutMessages}' and the same for every
 * binding.
 */
final class LogoutRedirect {
  private static final int MAX_QUERY_CHARS = 64 * 1024;
  private static final int MAX_INFLATED_BYTES = 64 * 1024;
  private static final Map<String, String> SIG_ALGS =
      Map.of(
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "SHA256withRSA",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "SHA384withRSA",
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "SHA512withRSA");
  private static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

  private LogoutRedirect() {}

  /**
   * The query's parameters, raw (still percent-encoded); each at most once; {@code message} is
   * {@code SAMLResponse} or {@code SAMLRequest}, and the other one must not be there.
   */
  static Map<String, String> rawParameters(String rawQuery, String message) throws LogoutException {
    if (rawQuery == null || rawQuery.isEmpty() || rawQuery.length() > MAX_QUERY_CHARS) {
      throw fail(LogoutErrorCode.MALFORMED, "no query, or one over " + MAX_QUERY_CHARS + " chars");
    }
    String other = message.equals("SAMLResponse") ? "SAMLRequest" : "SAMLResponse";
    Map<String, String> raw = new LinkedHashMap<>();
    for (String part : rawQuery.split("&", -1)) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      if (name.equals(other)) {
        throw fail(
            LogoutErrorCode.MALFORMED,
            "a " + other + " arrived where a " + message + " was expected");
      }
      if (List.of(message, "RelayState", "SigAlg", "Signature").contains(name)
          && raw.put(name, value) != null) {
        throw fail(LogoutErrorCode.MALFORMED, name + " appears more than once");
      }
    }
    if (!raw.containsKey(message) || raw.get(message).isEmpty()) {
      throw fail(LogoutErrorCode.MALFORMED, "no " + message + " parameter");
    }
    return raw;
  }

  /**
   * SAML Bindings §3.4.4.1: the signed octets are {@code SAMLResponse=v[&RelayState=v]&SigAlg=v}
   * with each value exactly as it arrived, in that order, whatever order the query had.
   */
  static void verifySignature(
      Map<String, String> raw, String message, Registration r, boolean allowSha1)
      throws LogoutException {
    String sigAlg = raw.containsKey("SigAlg") ? decode(raw.get("SigAlg")) : null;
    String jca = SIG_ALGS.get(sigAlg);
    if (jca == null && RSA_SHA1.equals(sigAlg) && allowSha1) {
      jca = "SHA1withRSA";
    }
    if (jca == null) {
      throw fail(
          LogoutErrorCode.INVALID_SIGNATURE,
          "SigAlg "
              + LogSafe.text(String.valueOf(sigAlg))
              + " is not allowed (RSA-SHA256/384/512)");
    }
    String signed =
        message
            + "="
            + raw.get(message)
            + (raw.containsKey("RelayState") ? "&RelayState=" + raw.get("RelayState") : "")
            + "&SigAlg="
            + raw.get("SigAlg");
    byte[] signature;
    try {
      signature = Base64.getMimeDecoder().decode(decode(raw.get("Signature")));
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "Signature is not base64");
    }
    KeySource source = r.keySource();
    TrustedKeys trusted = source.current();
    if (verifies(jca, signed, signature, trusted.certificates())) {
      return;
    }
    TrustedKeys fresh = source.refreshAfterUnknownKey(trusted);
    if (fresh != trusted && verifies(jca, signed, signature, fresh.certificates())) {
      return;
    }
    throw fail(
        LogoutErrorCode.INVALID_SIGNATURE,
        "the Redirect signature does not verify over the query as received with any of the "
            + fresh.certificates().size()
            + " trusted certificate(s)");
  }

  private static boolean verifies(
      String jca, String signed, byte[] signature, List<X509Certificate> certificates) {
    for (X509Certificate c : certificates) {
      try {
        Signature s = Signature.getInstance(jca);
        s.initVerify(c.getPublicKey());
        s.update(signed.getBytes(StandardCharsets.US_ASCII));
        if (s.verify(signature)) {
          return true;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // not this key (another key type, malformed signature bytes)
      }
    }
    return false;
  }

  static Element parse(String samlMessage, String rootName) throws LogoutException {
    byte[] deflated;
    try {
      deflated = Base64.getMimeDecoder().decode(samlMessage);
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "the message is not base64");
    }
    byte[] xml = inflate(deflated);
    Document doc;
    try {
      doc = SecureXml.parse(xml, XmlBounds.RESPONSE);
    } catch (SecureXml.RejectedXmlException e) {
      throw fail(LogoutErrorCode.MALFORMED, rootName + ": " + e.getMessage());
    }
    return LogoutMessages.root(doc, rootName);
  }

  /** Raw DEFLATE, at most {@link #MAX_INFLATED_BYTES}: a small message cannot expand to much. */
  private static byte[] inflate(byte[] deflated) throws LogoutException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
      byte[] buf = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw fail(LogoutErrorCode.MALFORMED, "the message is not complete DEFLATE data");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_INFLATED_BYTES) {
          throw fail(LogoutErrorCode.MALFORMED, "the message inflates to over 64 KiB");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw fail(LogoutErrorCode.MALFORMED, "the message is not DEFLATE data");
    } finally {
      inflater.end();
    }
  }

  /** The decoded RelayState parameter, or {@code null}. */
  static String relayState(Map<String, String> raw) throws LogoutException {
    return raw.containsKey("RelayState") ? decode(raw.get("RelayState")) : null;
  }

  static String decode(String raw) throws LogoutException {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw fail(LogoutErrorCode.MALFORMED, "a parameter is not percent-encoded properly");
    }
  }
}
