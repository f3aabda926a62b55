package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.XmlText;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * SP metadata (SAML Metadata §2.4.4) an admin can upload to Entra's Basic SAML Configuration: the
 * request signing certificate as {@code use="signing"} (with {@code AuthnRequestsSigned="true"}),
 * each decryption certificate as {@code use="encryption"}, the Logout Url as a {@code
 * SingleLogoutService} for HTTP-Redirect (Entra's binding) and HTTP-POST (which IdPs such as
 * Keycloak and SimpleSAMLphp then use for their LogoutRequests and LogoutResponses).
 */
final class SpMetadata {
  private SpMetadata() {}

  static String of(Registration r) {
    StringBuilder sb =
        new StringBuilder(2048)
            .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .append("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"")
            .append(" entityID=\"")
            .append(XmlText.escape(r.entityId()))
            .append("\"><md:SPSSODescriptor AuthnRequestsSigned=\"")
            .append(r.requestSigningCertificate().isPresent())
            .append("\" WantAssertionsSigned=\"true\"")
            .append(" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">");
    r.requestSigningCertificate().ifPresent(c -> keyDescriptor(sb, "signing", c));
    for (X509Certificate c : r.decryptionCertificates()) {
      keyDescriptor(sb, "encryption", c);
    }
    // The Logout Url takes both bindings: Entra sends Redirect only, other IdPs may post.
    for (Binding b : List.of(Binding.HTTP_REDIRECT, Binding.HTTP_POST)) {
      r.logoutUrl()
          .ifPresent(
              u ->
                  sb.append("<md:SingleLogoutService Binding=\"")
                      .append(b.uri())
                      .append("\" Location=\"")
                      .append(XmlText.escape(u.toString()))
                      .append("\"/>"));
    }
    r.nameIdFormat()
        .ifPresent(
            f ->
                sb.append("<md:NameIDFormat>")
                    .append(XmlText.escape(f))
                    .append("</md:NameIDFormat>"));
    return sb.append("<md:AssertionConsumerService Binding=\"")
        .append(Binding.HTTP_POST.uri())
        .append("\" Location=\"")
        .append(XmlText.escape(r.replyUrl().toString()))
        .append("\" index=\"0\" isDefault=\"true\"/>")
        .append("</md:SPSSODescriptor></md:EntityDescriptor>")
        .toString();
  }

  /** A KeyDescriptor (SAML Metadata §2.4.1.1) with the certificate, for {@code use}. */
  private static void keyDescriptor(StringBuilder sb, String use, X509Certificate certificate) {
    try {
      sb.append("<md:KeyDescriptor use=\"")
          .append(use)
          .append("\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data>")
          .append("<ds:X509Certificate>")
          .append(Base64.getEncoder().encodeToString(certificate.getEncoded()))
          .append("</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>");
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode the " + use + " certificate", e);
    }
  }
}
