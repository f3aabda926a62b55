package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Bindings;
import io.cloudsign.saml.testkit.internal.EnvelopedSigner;
import io.cloudsign.saml.testkit.internal.SamlTime;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * An AuthnRequest as the fake Entra received it: the decoded XML and the values Entra acts on.
 *
 * <p>Created by {@link FakeEntra#parseRedirect} or {@link FakeEntra#parsePost}; parsing is secure
 * (no DOCTYPE, nothing external, inflation capped at 512 KiB). Immutable and thread-safe.
 *
 * <p>Optional attributes that a request may omit ({@code Destination}, {@code
 * AssertionConsumerServiceURL}, {@code ProtocolBinding}) are returned as {@code null} when absent;
 * tests usually compare them with an expected value.
 */
public final class AuthnRequestInfo {
  static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

  /** How the request arrived. */
  public enum Binding {
    HTTP_REDIRECT,
    HTTP_POST
  }

  private final Binding binding;
  private final String xml;
  private final String id;
  private final String version;
  private final String issuer;
  private final Instant issueInstant;
  private final String destination;
  private final String acsUrl;
  private final String protocolBinding;
  private final boolean forceAuthn;
  private final boolean passive;
  private final String nameIdFormat;
  private final List<String> classRefs;
  private final String comparison;
  private final boolean hasSubject;
  private final String relayState;
  private final String sigAlg;
  // Redirect binding: the exact signed octets and the signature; POST: the embedded signature.
  private final String signedQuery;
  private final byte[] redirectSignature;
  private final boolean embeddedSignature;

  private AuthnRequestInfo(
      Binding binding,
      byte[] xmlBytes,
      String relayState,
      String sigAlg,
      String signedQuery,
      byte[] redirectSignature) {
    this.binding = binding;
    this.xml = new String(xmlBytes, StandardCharsets.UTF_8);
    Document doc = Xml.parseUntrusted(xmlBytes);
    Element root = doc.getDocumentElement();
    if (!PROTOCOL_NS.equals(root.getNamespaceURI())
        || !"AuthnRequest".equals(root.getLocalName())) {
      throw new IllegalArgumentException(
          "not a samlp:AuthnRequest but {" + root.getNamespaceURI() + "}" + root.getLocalName());
    }
    this.id = Xml.requiredAttribute(root, "ID");
    this.version = Xml.requiredAttribute(root, "Version");
    this.issueInstant =
        SamlTime.parse(Xml.requiredAttribute(root, "IssueInstant"), "AuthnRequest IssueInstant");
    this.destination = Xml.attribute(root, "Destination");
    this.acsUrl = Xml.attribute(root, "AssertionConsumerServiceURL");
    this.protocolBinding = Xml.attribute(root, "ProtocolBinding");
    this.forceAuthn = isTrue(Xml.attribute(root, "ForceAuthn"));
    this.passive = isTrue(Xml.attribute(root, "IsPassive"));
    List<Element> issuers = Xml.children(root, ASSERTION_NS, "Issuer");
    if (issuers.size() != 1) {
      throw new IllegalArgumentException(
          "AuthnRequest must have one Issuer, has " + issuers.size());
    }
    this.issuer = issuers.get(0).getTextContent();
    List<Element> policies = Xml.children(root, PROTOCOL_NS, "NameIDPolicy");
    this.nameIdFormat = policies.isEmpty() ? null : Xml.attribute(policies.get(0), "Format");
    List<String> refs = new ArrayList<>();
    String cmp = null;
    for (Element rac : Xml.children(root, PROTOCOL_NS, "RequestedAuthnContext")) {
      cmp = Xml.attribute(rac, "Comparison");
      for (Element ref : Xml.children(rac, ASSERTION_NS, "AuthnContextClassRef")) {
        refs.add(ref.getTextContent().strip());
      }
    }
    this.classRefs = List.copyOf(refs);
    this.comparison = cmp;
    this.hasSubject = !Xml.children(root, ASSERTION_NS, "Subject").isEmpty();
    this.relayState = relayState;
    List<Element> sigs = Xml.children(root, EnvelopedSigner.DSIG_NS, "Signature");
    this.embeddedSignature = !sigs.isEmpty();
    if (sigAlg == null && embeddedSignature) {
      List<Element> methods =
          Xml.descendants(sigs.get(0), EnvelopedSigner.DSIG_NS, "SignatureMethod");
      sigAlg = methods.isEmpty() ? null : Xml.attribute(methods.get(0), "Algorithm");
    }
    this.sigAlg = sigAlg;
    this.signedQuery = signedQuery;
    this.redirectSignature = redirectSignature;
  }

  static AuthnRequestInfo fromRedirect(String urlOrQuery) {
    Objects.requireNonNull(urlOrQuery, "redirect URL");
    Map<String, String> raw = Bindings.rawQueryParameters(urlOrQuery);
    String samlRequest = raw.get("SAMLRequest");
    if (samlRequest == null) {
      throw new IllegalArgumentException("redirect has no SAMLRequest parameter");
    }
    byte[] xml = Bindings.inflate(Bindings.base64(Bindings.decode(samlRequest), "SAMLRequest"));
    String relay = raw.containsKey("RelayState") ? Bindings.decode(raw.get("RelayState")) : null;
    String sigAlg = raw.containsKey("SigAlg") ? Bindings.decode(raw.get("SigAlg")) : null;
    String signedQuery = null;
    byte[] signature = null;
    if (raw.containsKey("Signature")) {
      if (sigAlg == null) {
        throw new IllegalArgumentException("redirect has a Signature but no SigAlg");
      }
      // SAML bindings 3.4.4.1: the signature covers the parameters as they were URL-encoded.
      StringBuilder q = new StringBuilder("SAMLRequest=").append(samlRequest);
      if (raw.containsKey("RelayState")) {
        q.append("&RelayState=").append(raw.get("RelayState"));
      }
      q.append("&SigAlg=").append(raw.get("SigAlg"));
      signedQuery = q.toString();
      signature = Bindings.base64(Bindings.decode(raw.get("Signature")), "Signature");
    }
    return new AuthnRequestInfo(Binding.HTTP_REDIRECT, xml, relay, sigAlg, signedQuery, signature);
  }

  static AuthnRequestInfo fromPost(String samlRequestBase64, String relayState) {
    Objects.requireNonNull(samlRequestBase64, "SAMLRequest");
    byte[] xml = Bindings.base64(samlRequestBase64, "SAMLRequest");
    return new AuthnRequestInfo(Binding.HTTP_POST, xml, relayState, null, null, null);
  }

  /** The request's {@code ID}; the fake's Response carries it as {@code InResponseTo}. */
  public String id() {
    return id;
  }

  /** {@code Version} as sent (Entra expects "2.0"). */
  public String version() {
    return version;
  }

  /** The {@code Issuer} text exactly as sent: Entra looks the application up by it. */
  public String issuer() {
    return issuer;
  }

  /** {@code AssertionConsumerServiceURL}, or {@code null} when the request has none. */
  public String assertionConsumerServiceUrl() {
    return acsUrl;
  }

  /** {@code Destination}, or {@code null} when absent. */
  public String destination() {
    return destination;
  }

  /** {@code ProtocolBinding}, or {@code null} when absent. */
  public String protocolBinding() {
    return protocolBinding;
  }

  public Instant issueInstant() {
    return issueInstant;
  }

  public boolean forceAuthn() {
    return forceAuthn;
  }

  /** {@code IsPassive}. */
  public boolean passive() {
    return passive;
  }

  /** {@code NameIDPolicy/@Format}, when present. */
  public Optional<String> nameIdFormat() {
    return Optional.ofNullable(nameIdFormat);
  }

  /** {@code RequestedAuthnContext/AuthnContextClassRef} values, in order; empty when absent. */
  public List<String> requestedAuthnContextClassRefs() {
    return classRefs;
  }

  /** {@code RequestedAuthnContext/@Comparison}, when present. */
  public Optional<String> requestedAuthnContextComparison() {
    return Optional.ofNullable(comparison);
  }

  /** Whether the request has a {@code Subject} (Entra rejects those). */
  public boolean hasSubject() {
    return hasSubject;
  }

  public Optional<String> relayState() {
    return Optional.ofNullable(relayState);
  }

  /** Redirect {@code SigAlg}, or the embedded signature's SignatureMethod for POST. */
  public Optional<String> sigAlg() {
    return Optional.ofNullable(sigAlg);
  }

  /** Whether the request carries a signature (query {@code Signature} or an embedded one). */
  public boolean signed() {
    return redirectSignature != null || embeddedSignature;
  }

  public Binding binding() {
    return binding;
  }

  /**
   * Whether the request's signature verifies with {@code certificate}'s public key: for
   * HTTP-Redirect over the exact query octets ({@code SAMLRequest}, {@code RelayState}, {@code
   * SigAlg} as received); for HTTP-POST the enveloped XML signature, whose one Reference must point
   * at the request's ID. False when unsigned or the algorithm is unknown.
   */
  public boolean signatureValid(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    if (redirectSignature != null) {
      String jca = Bindings.jcaSignatureName(sigAlg);
      if (jca == null) {
        return false;
      }
      try {
        Signature s = Signature.getInstance(jca);
        s.initVerify(certificate.getPublicKey());
        s.update(signedQuery.getBytes(StandardCharsets.US_ASCII));
        return s.verify(redirectSignature);
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
    if (embeddedSignature) {
      return embeddedSignatureValid(certificate);
    }
    return false;
  }

  private boolean embeddedSignatureValid(X509Certificate certificate) {
    Document doc = Xml.parseUntrusted(xml.getBytes(StandardCharsets.UTF_8));
    Element root = doc.getDocumentElement();
    root.setIdAttributeNS(null, "ID", true);
    Element sig = Xml.children(root, EnvelopedSigner.DSIG_NS, "Signature").get(0);
    try {
      DOMValidateContext ctx = new DOMValidateContext(certificate.getPublicKey(), sig);
      ctx.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
      XMLSignature s = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
      List<?> refs = s.getSignedInfo().getReferences();
      if (refs.size() != 1 || !("#" + id).equals(((Reference) refs.get(0)).getURI())) {
        return false;
      }
      return s.validate(ctx);
    } catch (MarshalException | XMLSignatureException | RuntimeException e) {
      return false;
    }
  }

  /** The decoded request XML, exactly as received (after inflating, for Redirect). */
  public String xml() {
    return xml;
  }

  @Override
  public String toString() {
    return "AuthnRequestInfo["
        + binding
        + ", id="
        + id
        + ", issuer="
        + issuer
        + ", acs="
        + acsUrl
        + "]";
  }

  private static boolean isTrue(String v) {
    return "true".equals(v) || "1".equals(v);
  }
}
