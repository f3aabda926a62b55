package io.cloudsign.saml.core;

import static io.cloudsign.saml.core.internal.SamlDom.DSIG_NS;
import static io.cloudsign.saml.core.internal.SamlDom.firstElement;
import static io.cloudsign.saml.core.internal.SamlDom.is;
import static io.cloudsign.saml.core.internal.SamlDom.nextElement;

import io.cloudsign.saml.core.internal.Certificates;
import java.security.cert.X509Certificate;
import java.util.List;
import org.w3c.dom.Element;

/**
 * What an admin needs when no trusted certificate verifies a signature, the most common production
 * failure with Entra (a signing certificate rolled over, the metadata not downloaded again): the
 * certificate the signature carries in KeyInfo, marked untrusted and used for nothing but this
 * text, next to the certificates that are trusted.
 */
final class RolloverDiagnosis {
  /** Larger KeyInfo text is not decoded: this runs on unauthenticated input. */
  static final int MAX_CERTIFICATE_CHARS = 16_384;

  private RolloverDiagnosis() {}

  /** A log-safe sentence to append to the {@code not_verified} detail. */
  static String of(Element signed, List<X509Certificate> trusted) {
    StringBuilder sb = new StringBuilder("; the signature's KeyInfo carries ");
    X509Certificate carried = null;
    String text = keyInfoCertificateText(signed);
    if (text == null) {
      sb.append("no certificate");
    } else if (text.length() > MAX_CERTIFICATE_CHARS) {
      sb.append("a certificate too large to read");
    } else {
      try {
        carried = Certificates.parse(text);
        sb.append(Certificates.describe(carried)).append(" (untrusted, for diagnosis)");
      } catch (IllegalArgumentException e) {
        sb.append("no readable certificate");
      }
    }
    sb.append("; trusted: ");
    for (int i = 0; i < trusted.size(); i++) {
      sb.append(i == 0 ? "" : " | ").append(Certificates.describe(trusted.get(i)));
    }
    if (carried != null && trusted.contains(carried)) {
      sb.append("; the carried certificate is a trusted one, so the signed content was changed");
    } else {
      sb.append(
          "; if Entra's signing certificate was rolled over, download the Federation Metadata XML"
              + " again (Single sign-on > SAML Certificates)");
    }
    return sb.toString();
  }

  /** The text of the first {@code ds:X509Certificate} in the KeyInfo of the element's signature. */
  private static String keyInfoCertificateText(Element signed) {
    for (Element sig = firstElement(signed); sig != null; sig = nextElement(sig)) {
      if (!is(sig, DSIG_NS, "Signature")) {
        continue;
      }
      for (Element keyInfo = firstElement(sig); keyInfo != null; keyInfo = nextElement(keyInfo)) {
        if (!is(keyInfo, DSIG_NS, "KeyInfo")) {
          continue;
        }
        for (Element data = firstElement(keyInfo); data != null; data = nextElement(data)) {
          if (!is(data, DSIG_NS, "X509Data")) {
            continue;
          }
          for (Element c = firstElement(data); c != null; c = nextElement(c)) {
            if (is(c, DSIG_NS, "X509Certificate")) {
              return c.getTextContent();
            }
          }
        }
      }
      return null;
    }
    return null;
  }
}
