package io.cloudsign.saml.core;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Signs the Assertion of an unsigned Response with Santuario, for the signature shapes the fake
 * Entra does not make (ECDSA keys, InclusiveNamespaces prefix lists, inclusive c14n): an enveloped
 * signature after the Issuer, SHA-256 digest, the enveloped-signature transform then whatever
 * {@link #transforms} adds (exclusive c14n by default). Test code shared by the signature tests and
 * the fuzz seeds.
 */
final class SantuarioSigner {
  static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
  static final String EXC_C14N = Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS;

  private final Document doc;
  private final Element assertion;
  private String signatureMethod = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
  private String signedInfoCanonicalization = EXC_C14N;
  private Consumer<Transforms> transforms = t -> addTransform(t, EXC_C14N);
  private Consumer<XMLSignature> beforeSigning = s -> {};
  private Element signature;

  private SantuarioSigner(String unsignedResponseXml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    this.doc =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(unsignedResponseXml.getBytes(StandardCharsets.UTF_8)));
    this.assertion = (Element) doc.getElementsByTagNameNS(ASSERTION_NS, "Assertion").item(0);
  }

  /**
   * For the Assertion of {@code unsignedResponseXml} (e.g. built with {@code Attack.unsigned()}).
   */
  static SantuarioSigner assertionOf(String unsignedResponseXml) throws Exception {
    return new SantuarioSigner(unsignedResponseXml);
  }

  SantuarioSigner signatureMethod(String uri) {
    this.signatureMethod = uri;
    return this;
  }

  SantuarioSigner signedInfoCanonicalization(String uri) {
    this.signedInfoCanonicalization = uri;
    return this;
  }

  /** The Reference's transforms after the enveloped-signature one. */
  SantuarioSigner transforms(Consumer<Transforms> afterEnveloped) {
    this.transforms = afterEnveloped;
    return this;
  }

  /** A change to the signature before it is computed (e.g. to SignedInfo's children). */
  SantuarioSigner beforeSigning(Consumer<XMLSignature> change) {
    this.beforeSigning = change;
    return this;
  }

  /** Signs with {@code key}; the document may then be changed through the accessors. */
  SantuarioSigner sign(PrivateKey key) throws Exception {
    assertion.setIdAttributeNS(null, "ID", true);
    Element issuer = (Element) assertion.getElementsByTagNameNS(ASSERTION_NS, "Issuer").item(0);
    XMLSignature s = new XMLSignature(doc, "", signatureMethod, signedInfoCanonicalization);
    assertion.insertBefore(s.getElement(), issuer.getNextSibling());
    Transforms t = new Transforms(doc);
    t.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
    transforms.accept(t);
    s.addDocument("#" + assertion.getAttribute("ID"), t, "http://www.w3.org/2001/04/xmlenc#sha256");
    beforeSigning.accept(s);
    s.sign(key);
    this.signature = s.getElement();
    return this;
  }

  Document document() {
    return doc;
  }

  Element assertion() {
    return assertion;
  }

  Element signature() {
    return signature;
  }

  Element signatureValue() {
    return (Element) signature.getElementsByTagNameNS(DSIG_NS, "SignatureValue").item(0);
  }

  /** Sets the Assertion's NameID (after signing: a change the signature does not cover). */
  SantuarioSigner nameId(String value) {
    assertion.getElementsByTagNameNS(ASSERTION_NS, "NameID").item(0).setTextContent(value);
    return this;
  }

  String xml() throws Exception {
    StringWriter out = new StringWriter();
    TransformerFactory.newInstance()
        .newTransformer()
        .transform(new DOMSource(doc), new StreamResult(out));
    return out.toString();
  }

  /** The document as the {@code SAMLResponse} form value. */
  String formValue() throws Exception {
    return Base64.getEncoder().encodeToString(xml().getBytes(StandardCharsets.UTF_8));
  }

  static void addTransform(Transforms t, String uri) {
    try {
      t.addTransform(uri);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
