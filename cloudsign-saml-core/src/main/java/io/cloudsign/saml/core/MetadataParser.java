package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.Certificates;
import io.cloudsign.saml.core.internal.LogSafe;
import io.cloudsign.saml.core.internal.SamlDom;
import io.cloudsign.saml.core.internal.SecureXml;
import io.cloudsign.saml.core.internal.SignatureVerifier;
import io.cloudsign.saml.core.internal.Urls;
import io.cloudsign.saml.core.internal.XmlBounds;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.signature.X509Certificate;
import org.opensaml.xmlsec.signature.X509Data;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads Entra's Federation Metadata XML (SAML Metadata §2.4.3). Entra's file carries WS-Federation
 * {@code RoleDescriptor}s before the {@code IDPSSODescriptor}; only the SAML 2.0 IDPSSODescriptor
 * is used.
 */
final class MetadataParser {
  private static final int MAX_METADATA_BYTES = 4 * 1024 * 1024;

  private MetadataParser() {}

  /** A metadata document: the IdP, and its {@code validUntil} / {@code cacheDuration} if any. */
  record Parsed(IdentityProvider idp, Instant validUntil, Duration cacheDuration) {}

  static IdentityProvider parse(byte[] xml, java.security.cert.X509Certificate trustedSigner)
      throws SamlMetadataException {
    return parseDocument(xml, trustedSigner).idp();
  }

  static Parsed parseDocument(byte[] xml, java.security.cert.X509Certificate trustedSigner)
      throws SamlMetadataException {
    if (xml.length > MAX_METADATA_BYTES) {
      throw new SamlMetadataException(
          "the federation metadata is larger than 4 MiB: is it really Entra's metadata?");
    }
    EntityDescriptor entity;
    Instant rootValidUntil;
    Duration rootCacheDuration;
    try {
      Document doc = SecureXml.parse(xml, XmlBounds.METADATA);
      String duplicate = SecureXml.duplicateId(doc.getDocumentElement());
      if (duplicate != null) {
        throw new SamlMetadataException(
            "the federation metadata repeats the ID " + LogSafe.text(duplicate));
      }
      XMLObject root = SecureXml.unmarshall(doc.getDocumentElement());
      entity = entityDescriptor(root);
      rootValidUntil = root instanceof EntitiesDescriptor all ? all.getValidUntil() : null;
      rootCacheDuration = root instanceof EntitiesDescriptor all ? all.getCacheDuration() : null;
    } catch (SecureXml.RejectedXmlException e) {
      throw new SamlMetadataException(
          "the federation metadata is not usable XML: "
              + e.getMessage()
              + " (download it again from Entra: Single sign-on > SAML Certificates >"
              + " Federation Metadata XML)");
    }
    if (trustedSigner != null) {
      if (!signed(entity.getDOM())) {
        throw new SamlMetadataException(
            "the federation metadata is not signed but a trusted signer was given");
      }
      SignatureVerifier.Result r =
          new SignatureVerifier(List.of(trustedSigner), false).verify(entity.getDOM());
      if (r.outcome() != SignatureVerifier.Outcome.VALID) {
        throw new SamlMetadataException(
            "the federation metadata signature is not valid with the pinned certificate: "
                + r.reason()
                + " (was the file re-formatted or edited? Use the bytes as downloaded)");
      }
    }
    String entityId = entity.getEntityID();
    if (entityId == null || entityId.isBlank()) {
      throw new SamlMetadataException("the federation metadata has no entityID");
    }
    String template = EntraIssuer.templateProblem(entityId);
    if (template != null) {
      throw new SamlMetadataException(template);
    }
    IDPSSODescriptor idp = entity.getIDPSSODescriptor(SAMLConstants.SAML20P_NS);
    if (idp == null) {
      throw new SamlMetadataException(
          "the federation metadata has no SAML 2.0 IDPSSODescriptor (is it WS-Federation only?)");
    }
    Map<Binding, URI> sso = ssoUrls(idp);
    URI slo = sloUrl(idp);
    List<java.security.cert.X509Certificate> certs = signingCertificates(idp);
    if (certs.isEmpty()) {
      throw new SamlMetadataException(
          "the IDPSSODescriptor has no signing certificate (KeyDescriptor use=\"signing\")");
    }
    return new Parsed(
        IdentityProvider.of(entityId, sso, slo, certs),
        earlier(rootValidUntil, entity.getValidUntil()),
        shorter(rootCacheDuration, entity.getCacheDuration()));
  }

  /** Whether {@code entity} has a {@code ds:Signature} child (read from the DOM, see OpenSaml). */
  private static boolean signed(Element entity) {
    for (Element c = SamlDom.firstElement(entity); c != null; c = SamlDom.nextElement(c)) {
      if (SamlDom.is(c, SamlDom.DSIG_NS, "Signature")) {
        return true;
      }
    }
    return false;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static Duration shorter(Duration a, Duration b) {
    return a == null ? b : b == null || a.compareTo(b) < 0 ? a : b;
  }

  /** The first SingleSignOnService of each binding we speak. */
  private static Map<Binding, URI> ssoUrls(IDPSSODescriptor idp) throws SamlMetadataException {
    Map<Binding, URI> sso = new EnumMap<>(Binding.class);
    for (SingleSignOnService s : idp.getSingleSignOnServices()) {
      for (Binding b : Binding.values()) {
        if (b.uri().equals(s.getBinding()) && !sso.containsKey(b)) {
          sso.put(b, url("SingleSignOnService", s.getLocation()));
        }
      }
    }
    if (sso.isEmpty()) {
      throw new SamlMetadataException(
          "the IDPSSODescriptor has no SingleSignOnService for HTTP-Redirect or HTTP-POST");
    }
    return sso;
  }

  /** The HTTP-Redirect SingleLogoutService, or {@code null}. */
  private static URI sloUrl(IDPSSODescriptor idp) throws SamlMetadataException {
    URI slo = null;
    for (SingleLogoutService s : idp.getSingleLogoutServices()) {
      if (Binding.HTTP_REDIRECT.uri().equals(s.getBinding())) {
        slo = url("SingleLogoutService", s.getLocation());
        break;
      }
    }
    return slo;
  }

  private static EntityDescriptor entityDescriptor(XMLObject root) throws SamlMetadataException {
    if (root instanceof EntityDescriptor e) {
      return e;
    }
    if (root instanceof EntitiesDescriptor all) {
      List<EntityDescriptor> idps = new ArrayList<>();
      for (EntityDescriptor e : all.getEntityDescriptors()) {
        if (e.getIDPSSODescriptor(SAMLConstants.SAML20P_NS) != null) {
          idps.add(e);
        }
      }
      if (idps.size() == 1) {
        return idps.get(0);
      }
      throw new SamlMetadataException(
          "the metadata aggregate holds " + idps.size() + " identity providers; expected one");
    }
    throw new SamlMetadataException(
        "the metadata root is not an md:EntityDescriptor: " + root.getElementQName());
  }

  private static List<java.security.cert.X509Certificate> signingCertificates(IDPSSODescriptor idp)
      throws SamlMetadataException {
    List<java.security.cert.X509Certificate> out = new ArrayList<>();
    for (KeyDescriptor kd : idp.getKeyDescriptors()) {
      if (kd.getUse() == UsageType.ENCRYPTION || kd.getKeyInfo() == null) {
        continue;
      }
      for (X509Data data : kd.getKeyInfo().getX509Datas()) {
        for (X509Certificate c : data.getX509Certificates()) {
          try {
            java.security.cert.X509Certificate cert = Certificates.parse(c.getValue());
            String weak = IdentityProvider.weakKeyProblem(cert);
            if (weak != null) {
              throw new SamlMetadataException("the metadata's " + weak);
            }
            if (!out.contains(cert)) {
              out.add(cert);
            }
          } catch (IllegalArgumentException e) {
            throw new SamlMetadataException(
                "a signing certificate in the metadata is not valid X.509: " + e.getMessage());
          }
        }
      }
    }
    return out;
  }

  private static URI url(String what, String location) throws SamlMetadataException {
    if (location == null) {
      throw new SamlMetadataException("the metadata's " + what + " has no Location");
    }
    try {
      return Urls.requireHttpsOrLoopback(what, Urls.parse(what, location));
    } catch (IllegalArgumentException e) {
      throw new SamlMetadataException("the metadata's " + e.getMessage());
    }
  }
}
