package io.cloudsign.saml.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** SAML HTTP-Redirect and HTTP-POST binding codecs with size limits. */
public final class Bindings {
  /** Largest encoded SAMLRequest accepted (browsers cap URLs far below this). */
  public static final int MAX_ENCODED_CHARS = 256 * 1024;

  /** Largest inflated message accepted: a deflate bomb stops here. */
  public static final int MAX_INFLATED_BYTES = 512 * 1024;

  private Bindings() {}

  /**
   * Splits a query string (or a whole URL) into raw, still URL-encoded values, keeping the order.
   * The raw values are what a redirect signature covers.
   */
  public static Map<String, String> rawQueryParameters(String urlOrQuery) {
    String q = urlOrQuery;
    int hash = q.indexOf('#');
    if (hash >= 0) {
      q = q.substring(0, hash);
    }
    int question = q.indexOf('?');
    if (question >= 0) {
      q = q.substring(question + 1);
    }
    if (q.length() > MAX_ENCODED_CHARS + 16 * 1024) {
      throw new IllegalArgumentException("query string too long: " + q.length() + " chars");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (out.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("query parameter " + name + " appears twice");
      }
    }
    return out;
  }

  public static String decode(String urlEncoded) {
    return URLDecoder.decode(urlEncoded, StandardCharsets.UTF_8);
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * URL-encodes as Entra does when it redirects: form encoding ({@code +} for a space) with the hex
   * digits of every percent-escape in lower case ({@code %2f}, not {@code %2F}), as .NET's {@code
   * HttpUtility.UrlEncode} writes them.
   */
  public static String encodeLowerCase(String value) {
    char[] c = encode(value).toCharArray();
    for (int i = 0; i + 2 < c.length; i++) {
      if (c[i] == '%') {
        c[i + 1] = Character.toLowerCase(c[i + 1]);
        c[i + 2] = Character.toLowerCase(c[i + 2]);
        i += 2;
      }
    }
    return new String(c);
  }

  /**
   * The octets an HTTP-Redirect signature covers (SAML Bindings 3.4.4.1): {@code
   * <message>=…[&RelayState=…]&SigAlg=…} with the values still URL-encoded as in {@code raw}.
   */
  public static String signedOctets(Map<String, String> raw, String message) {
    StringBuilder q = new StringBuilder(message).append('=').append(raw.get(message));
    if (raw.containsKey("RelayState")) {
      q.append("&RelayState=").append(raw.get("RelayState"));
    }
    return q.append("&SigAlg=").append(raw.get("SigAlg")).toString();
  }

  /** Base64 that tolerates line breaks and spaces (some SPs wrap), rejecting anything else. */
  public static byte[] base64(String value, String what) {
    if (value.length() > MAX_ENCODED_CHARS) {
      throw new IllegalArgumentException(what + " too long: " + value.length() + " chars");
    }
    try {
      return Base64.getMimeDecoder().decode(value.replace(" ", "+").strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not base64: " + e.getMessage());
    }
  }

  /** Raw DEFLATE (RFC 1951, no zlib header), as the Redirect binding requires. */
  public static byte[] inflate(byte[] deflated) {
    return inflate(deflated, "SAMLRequest");
  }

  /**
   * As {@link #inflate(byte[])}, naming the parameter ({@code what}) in the error messages.
   *
   * @throws IllegalArgumentException if it is not raw DEFLATE, is truncated, or inflates beyond
   *     {@link #MAX_INFLATED_BYTES}
   */
  public static byte[] inflate(byte[] deflated, String what) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException(what + " is truncated or not raw DEFLATE");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_INFLATED_BYTES) {
          throw new IllegalArgumentException(
              what + " inflates beyond " + MAX_INFLATED_BYTES + " bytes");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException(what + " is not raw DEFLATE: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  public static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.DEFLATED, true);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** JCA name of a redirect-binding SigAlg URI, or null when unknown. */
  public static String jcaSignatureName(String sigAlgUri) {
    return switch (sigAlgUri) {
      case "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" -> "SHA256withRSA";
      case "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" -> "SHA384withRSA";
      case "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" -> "SHA512withRSA";
      case "http://www.w3.org/2000/09/xmldsig#rsa-sha1" -> "SHA1withRSA";
      case "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" -> "SHA256withECDSAinP1363Format";
      case "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" -> "SHA384withECDSAinP1363Format";
      case "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" -> "SHA512withECDSAinP1363Format";
      default -> null;
    };
  }
}
