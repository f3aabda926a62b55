package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Xml;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Independent verification with the JDK's own XML-DSig implementation (javax.xml.crypto.dsig), the
 * way a careful SP does: key from metadata, one Reference to the parent's ID.
 */
final class Dsig {
  static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
  static final String SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata";

  private Dsig() {}

  static Document parse(String xml) {
    Document doc = Xml.parseUntrusted(xml.getBytes(StandardCharsets.UTF_8));
    NodeList all = doc.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.hasAttributeNS(null, "ID")) {
        e.setIdAttributeNS(null, "ID", true);
      }
    }
    return doc;
  }

  static String decode(String samlResponse) {
    return new String(Base64.getDecoder().decode(samlResponse), StandardCharsets.UTF_8);
  }

  /** The direct Signature child of {@code parent}, or null. */
  static Element signatureOf(Element parent) {
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e
          && DSIG_NS.equals(e.getNamespaceURI())
          && "Signature".equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  /** Whether {@code parent}'s own enveloped signature verifies with {@code cert}'s key. */
  static boolean verifies(Element parent, X509Certificate cert) {
    return verifies(parent, cert, true);
  }

  static boolean verifies(Element parent, X509Certificate cert, boolean secure) {
    Element sig = signatureOf(parent);
    if (sig == null) {
      return false;
    }
    try {
      DOMValidateContext ctx = new DOMValidateContext(cert.getPublicKey(), sig);
      ctx.setProperty("org.jcp.xml.dsig.secureValidation", secure);
      XMLSignature s = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
      List<?> refs = s.getSignedInfo().getReferences();
      if (refs.size() != 1
          || !("#" + parent.getAttribute("ID")).equals(((Reference) refs.get(0)).getURI())) {
        return false;
      }
      return s.validate(ctx);
    } catch (Exception e) {
      return false;
    }
  }

  static Element response(Document doc) {
    return doc.getDocumentElement();
  }

  static List<Element> children(Element parent, String ns, String local) {
    return Xml.children(parent, ns, local);
  }

  static Element assertion(Document doc) {
    return children(doc.getDocumentElement(), SAML_NS, "Assertion").get(0);
  }

  static Element first(Node root, String ns, String local) {
    List<Element> l = Xml.descendants(root, ns, local);
    return l.isEmpty() ? null : l.get(0);
  }

  /** The signing certificates an SP would read from the IDPSSODescriptor of the metadata. */
  static List<X509Certificate> metadataCertificates(String metadataXml) throws Exception {
    Document doc = parse(metadataXml.startsWith("\uFEFF") ? metadataXml.substring(1) : metadataXml);
    Element idp = children(doc.getDocumentElement(), MD_NS, "IDPSSODescriptor").get(0);
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (Element kd : children(idp, MD_NS, "KeyDescriptor")) {
      String b64 = first(kd, DSIG_NS, "X509Certificate").getTextContent();
      out.add(
          (X509Certificate)
              cf.generateCertificate(
                  new ByteArrayInputStream(Base64.getMimeDecoder().decode(b64))));
    }
    return out;
  }

  static X509Certificate keyInfoCertificate(Element signature) throws Exception {
    String b64 = first(signature, DSIG_NS, "X509Certificate").getTextContent();
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
  }
}
