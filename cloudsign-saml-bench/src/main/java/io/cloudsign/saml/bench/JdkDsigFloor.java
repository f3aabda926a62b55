package io.cloudsign.saml.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.PublicKey;
import java.util.Base64;
import javax.xml.XMLConstants;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The physical floor of validating one Response without any SAML rule: base64, a secure DOM parse
 * (no DOCTYPE, no external entities, comments dropped, coalescing) and the JDK's own {@code
 * javax.xml.crypto.dsig} validation of the Assertion's enveloped signature with the known key
 * (secure validation on). One instance per thread.
 */
final class JdkDsigFloor {
  static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String DSIG_NS = XMLSignature.XMLNS;

  private final DocumentBuilder builder;
  private final XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
  private final PublicKey key;

  JdkDsigFloor(PublicKey key) {
    this.key = key;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setIgnoringComments(true);
      f.setCoalescing(true);
      f.setExpandEntityReferences(false);
      f.setXIncludeAware(false);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      this.builder = f.newDocumentBuilder();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the Assertion's signature verifies with the key. */
  boolean validate(String samlResponse) throws Exception {
    byte[] xml = Base64.getDecoder().decode(samlResponse);
    builder.reset();
    Document doc = builder.parse(new ByteArrayInputStream(xml));
    Element assertion = child(doc.getDocumentElement(), ASSERTION_NS, "Assertion");
    assertion.setIdAttributeNS(null, "ID", true);
    Element signature = child(assertion, DSIG_NS, "Signature");
    DOMValidateContext context = new DOMValidateContext(key, signature);
    context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
    XMLSignature xmlSignature = factory.unmarshalXMLSignature(context);
    return xmlSignature.validate(context);
  }

  /** The exclusive-c14n bytes of the Assertion's SignedInfo and the signature value. */
  RsaInput rsaInput(String samlResponse) throws Exception {
    byte[] xml = Base64.getDecoder().decode(samlResponse);
    Document doc = builder.parse(new ByteArrayInputStream(xml));
    Element assertion = child(doc.getDocumentElement(), ASSERTION_NS, "Assertion");
    assertion.setIdAttributeNS(null, "ID", true);
    Element signature = child(assertion, DSIG_NS, "Signature");
    DOMValidateContext context = new DOMValidateContext(key, signature);
    context.setProperty("javax.xml.crypto.dsig.cacheReference", Boolean.TRUE);
    XMLSignature xmlSignature = factory.unmarshalXMLSignature(context);
    if (!xmlSignature.validate(context)) {
      throw new IllegalStateException("fixture signature does not verify");
    }
    try (InputStream in = xmlSignature.getSignedInfo().getCanonicalizedData()) {
      return new RsaInput(in.readAllBytes(), xmlSignature.getSignatureValue().getValue());
    }
  }

  record RsaInput(byte[] signedInfo, byte[] signatureValue) {}

  private static Element child(Element parent, String ns, String localName) throws IOException {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && localName.equals(e.getLocalName())
          && ns.equals(e.getNamespaceURI())) {
        return e;
      }
    }
    throw new IOException("no " + localName + " in " + parent.getLocalName());
  }
}
