package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.EnvelopedSigner;
import io.cloudsign.saml.testkit.internal.SignatureAlgorithm;
import io.cloudsign.saml.testkit.internal.Tags;
import io.cloudsign.saml.testkit.internal.Xml;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import org.w3c.dom.Document;

/**
 * The fake tenant's Federation Metadata XML in Entra's shape, and variants of it.
 *
 * <p>Default form (as Entra serves it): XML declaration {@code <?xml version="1.0"
 * encoding="utf-8"?>}, then on the same single line a signed {@code EntityDescriptor} (ID {@code
 * _}+UUID, entityID {@code https://sts.windows.net/<tenant>/}) whose first child is the {@code
 * Signature}, two WS-Federation {@code RoleDescriptor}s ({@code fed:SecurityTokenServiceType},
 * {@code fed:ApplicationServiceType}) and then the {@code IDPSSODescriptor} with one {@code
 * KeyDescriptor use="signing"} per certificate, SingleLogoutService (Redirect) and
 * SingleSignOnService (Redirect, POST). Empty elements are written {@code <X />} like .NET does.
 *
 * <p>Immutable and thread-safe; each variant method returns a new object.
 *
 * <pre>{@code
 * byte[] asDownloaded = entra.metadata().withBom().bytes();
 * String broken = entra.metadata().reformatted().xml(); // signature no longer verifies
 * }</pre>
 */
public final class FederationMetadata {
  static final String METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
  static final String FED_NS = "http://docs.oasis-open.org/wsfed/federation/200706";
  private static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
  private static final String AUTH_NS = "http://docs.oasis-open.org/wsfed/authorization/200706";
  private static final String WSA_NS = "http://www.w3.org/2005/08/addressing";
  private static final String REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
  private static final String POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
  private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

  private static final String[][] CLAIM_TYPES = {
    {
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
      "Name",
      "The mutable display name of the user."
    },
    {
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
      "Subject",
      "An immutable, globally unique, non-reusable identifier of the user that is unique to the"
          + " application for which a token is issued."
    },
    {
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
      "Given Name",
      "First name of the user."
    },
    {
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
      "Surname",
      "Last name of the user."
    },
    {
      "http://schemas.microsoft.com/identity/claims/displayname",
      "Display Name",
      "Display name of the user."
    },
    {
      "http://schemas.microsoft.com/identity/claims/objectidentifier",
      "ObjectIdentifier",
      "Primary identifier for the user in the directory. Immutable, globally unique,"
          + " non-reusable."
    },
    {
      "http://schemas.microsoft.com/identity/claims/tenantid",
      "TenantId",
      "Identifier for the user's tenant."
    },
    {
      "http://schemas.microsoft.com/identity/claims/identityprovider",
      "IdentityProvider",
      "Identity provider for the user."
    },
    {
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
      "Email",
      "Email address of the user."
    },
    {
      "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
      "Groups",
      "Groups of the user."
    },
    {
      "http://schemas.microsoft.com/claims/groups.link",
      "GroupsOverageClaim",
      "Issued when number of user's group claims exceeds return limit."
    },
    {
      "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
      "Role Claim",
      "Roles that the user or Service Principal is attached to"
    },
  };

  private final FakeEntra entra;
  private final boolean bom;
  private final boolean signed;
  private final boolean declaration;
  private final boolean reformatted;

  private FederationMetadata(
      FakeEntra entra, boolean bom, boolean signed, boolean declaration, boolean reformatted) {
    this.entra = entra;
    this.bom = bom;
    this.signed = signed;
    this.declaration = declaration;
    this.reformatted = reformatted;
  }

  static FederationMetadata of(FakeEntra entra) {
    return new FederationMetadata(entra, false, true, true, false);
  }

  /** Prefixed with a UTF-8 byte order mark, as the portal's download and the metadata URL are. */
  public FederationMetadata withBom() {
    return new FederationMetadata(entra, true, signed, declaration, reformatted);
  }

  /** Without the EntityDescriptor's Signature. */
  public FederationMetadata unsigned() {
    return new FederationMetadata(entra, bom, false, declaration, reformatted);
  }

  /** Without the leading XML declaration. */
  public FederationMetadata withoutXmlDeclaration() {
    return new FederationMetadata(entra, bom, signed, false, reformatted);
  }

  /**
   * Pretty-printed after signing, as an editor would save it: the signature no longer verifies
   * (which is why an SP must verify metadata bytes as received).
   */
  public FederationMetadata reformatted() {
    return new FederationMetadata(entra, bom, signed, declaration, true);
  }

  /** The document as UTF-8 bytes (starting with EF BB BF when {@link #withBom()}). */
  public byte[] bytes() {
    return xml().getBytes(StandardCharsets.UTF_8);
  }

  /** The document as a String (starting with U+FEFF when {@link #withBom()}). */
  public String xml() {
    String body = entra.metadataBody(signed, reformatted);
    String sep = reformatted ? "\n" : "";
    return (bom ? "\uFEFF" : "") + (declaration ? DECLARATION + sep : "") + body;
  }

  @Override
  public String toString() {
    return "FederationMetadata["
        + entra.entityId()
        + (bom ? ", BOM" : "")
        + (signed ? "" : ", unsigned")
        + (declaration ? "" : ", no declaration")
        + (reformatted ? ", reformatted" : "")
        + "]";
  }

  /** The EntityDescriptor, one line or indented. */
  static String body(FakeEntra entra, boolean sign, boolean indented) {
    return Xml.serialize(
        render(entra, sign), indented ? Xml.Style.INDENTED : Xml.Style.SPACED_EMPTY);
  }

  /** Renders (and, when asked, signs) the EntityDescriptor. */
  private static Document render(FakeEntra entra, boolean sign) {
    List<X509Certificate> certs = entra.signingCertificates();
    String wsfed = entra.wsFedUrl();
    Tags t = new Tags();
    t.start("EntityDescriptor")
        .attr("ID", entra.metadataId())
        .attr("entityID", entra.entityId())
        .attr("xmlns", METADATA_NS);
    if (sign) {
      t.raw(
          EnvelopedSigner.skeleton(
              entra.metadataId(),
              SignatureAlgorithm.RSA_SHA256,
              Certificates.base64(entra.signingCertificate())));
    }
    roleDescriptorStart(t, "fed:SecurityTokenServiceType");
    keyDescriptors(t, certs);
    t.start("fed:ClaimTypesOffered");
    for (String[] c : CLAIM_TYPES) {
      t.start("auth:ClaimType").attr("Uri", c[0]).attr("xmlns:auth", AUTH_NS);
      t.element("auth:DisplayName", c[1]).element("auth:Description", c[2]);
      t.end("auth:ClaimType");
    }
    t.end("fed:ClaimTypesOffered");
    endpoint(t, "fed:SecurityTokenServiceEndpoint", wsfed);
    endpoint(t, "fed:PassiveRequestorEndpoint", wsfed);
    t.end("RoleDescriptor");
    roleDescriptorStart(t, "fed:ApplicationServiceType");
    keyDescriptors(t, certs);
    endpoint(t, "fed:TargetScopes", entra.entityId());
    endpoint(t, "fed:ApplicationServiceEndpoint", wsfed);
    endpoint(t, "fed:PassiveRequestorEndpoint", wsfed);
    t.end("RoleDescriptor");
    t.start("IDPSSODescriptor").attr("protocolSupportEnumeration", AuthnRequestInfo.PROTOCOL_NS);
    keyDescriptors(t, certs);
    t.start("SingleLogoutService")
        .attr("Binding", REDIRECT)
        .attr("Location", entra.sloUrl())
        .end("SingleLogoutService");
    t.start("SingleSignOnService")
        .attr("Binding", REDIRECT)
        .attr("Location", entra.ssoUrl())
        .end("SingleSignOnService");
    t.start("SingleSignOnService")
        .attr("Binding", POST)
        .attr("Location", entra.ssoUrl())
        .end("SingleSignOnService");
    t.end("IDPSSODescriptor");
    t.end("EntityDescriptor");
    Document doc = Xml.parseKeepingOrder(t.toString());
    if (sign) {
      EnvelopedSigner.sign(
          doc.getDocumentElement(), SignatureAlgorithm.RSA_SHA256, entra.activeKey().privateKey());
    }
    return doc;
  }

  private static void roleDescriptorStart(Tags t, String type) {
    t.start("RoleDescriptor")
        .attr("xsi:type", type)
        .attr("protocolSupportEnumeration", FED_NS)
        .attr("xmlns:xsi", XSI_NS)
        .attr("xmlns:fed", FED_NS);
  }

  private static void keyDescriptors(Tags t, List<X509Certificate> certs) {
    for (X509Certificate c : certs) {
      t.start("KeyDescriptor").attr("use", "signing");
      t.start("KeyInfo").attr("xmlns", EnvelopedSigner.DSIG_NS);
      t.start("X509Data").element("X509Certificate", Certificates.base64(c)).end("X509Data");
      t.end("KeyInfo").end("KeyDescriptor");
    }
  }

  private static void endpoint(Tags t, String element, String address) {
    t.start(element).start("wsa:EndpointReference").attr("xmlns:wsa", WSA_NS);
    t.element("wsa:Address", address).end("wsa:EndpointReference").end(element);
  }
}
