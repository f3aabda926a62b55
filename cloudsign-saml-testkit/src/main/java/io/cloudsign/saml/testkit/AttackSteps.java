package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.Attack.Container;
import io.cloudsign.saml.testkit.Attack.Injected;
import io.cloudsign.saml.testkit.Attack.SignatureDefect;
import io.cloudsign.saml.testkit.Attack.Transform;
import io.cloudsign.saml.testkit.Attack.Xsw;
import io.cloudsign.saml.testkit.internal.AttackerKeys;
import io.cloudsign.saml.testkit.internal.Attacks;
import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SignatureSurgery;
import io.cloudsign.saml.testkit.internal.SigningKey;
import io.cloudsign.saml.testkit.internal.Wrapping;
import io.cloudsign.saml.testkit.internal.Xml;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The steps of the {@link Attack}s that are more than one call into the internal DOM surgery: each
 * public enum constant is mapped here, by an exhaustive switch, to the surgery it names.
 */
final class AttackSteps {
  private static final String ASSERTION_NS = ResponseWriter.ASSERTION_NS;

  private AttackSteps() {}

  /** The fake's own signing key, for attacks that model a signature the IdP really made. */
  static PrivateKey idpKey(Draft d) {
    return d.entra.activeKey().privateKey();
  }

  static void xsw(Document doc, Xsw variant, String evilNameId) {
    switch (variant) {
      case XSW1 -> Wrapping.responseWrapped(doc, evilNameId, true);
      case XSW2 -> Wrapping.responseWrapped(doc, evilNameId, false);
      case XSW3 -> Wrapping.evilAssertionAdded(doc, evilNameId, false);
      case XSW4 -> Wrapping.evilAssertionAdded(doc, evilNameId, true);
      case XSW5 -> Wrapping.signedAssertionTurnedEvil(doc, evilNameId, false);
      case XSW6 -> Wrapping.signedAssertionTurnedEvil(doc, evilNameId, true);
      case XSW7 -> Wrapping.evilCopyInNamelessExtensions(doc, evilNameId);
      case XSW8 -> Wrapping.genuineCopyInSignatureObject(doc, evilNameId);
    }
  }

  static void signatureDefect(Document doc, SignatureDefect defect, PrivateKey key) {
    Element signature = Attacks.targetSignature(doc);
    switch (defect) {
      case REMOVED -> SignatureSurgery.remove(signature);
      case NO_SIGNED_INFO -> SignatureSurgery.removeSignedInfo(signature);
      case EMPTY_SIGNATURE_VALUE -> SignatureSurgery.emptySignatureValue(signature);
      case REFERENCE_TO_MISSING_ID ->
          SignatureSurgery.referenceUri(signature, id -> "#_missing" + id, key);
      case TWO_SIGNED_INFO -> SignatureSurgery.duplicateSignedInfo(signature);
      case TWO_SIGNATURE_VALUES -> SignatureSurgery.duplicateSignatureValue(signature);
      case TWO_REFERENCES -> SignatureSurgery.duplicateReference(signature, key);
      case COMMENT_IN_DIGEST_VALUE -> SignatureSurgery.commentInDigestValue(signature);
      case REFERENCE_URI_XPOINTER_QUOTED ->
          SignatureSurgery.referenceUri(signature, id -> "#xpointer(id('" + id + "'))", key);
      case REFERENCE_URI_WITHOUT_HASH -> SignatureSurgery.referenceUri(signature, id -> id, key);
      case REFERENCE_URI_EMPTY -> SignatureSurgery.emptyReferenceUri(signature, key);
    }
  }

  static void extraTransform(Document doc, Transform transform, String canary, PrivateKey key) {
    Element signature = Attacks.targetSignature(doc);
    switch (transform) {
      case XSLT ->
          SignatureSurgery.addTransform(signature, SignatureSurgery.xsltTransform(canary), key);
      case XPATH ->
          SignatureSurgery.addTransform(signature, SignatureSurgery.xpathTransform(), key);
      case XPATH_FILTER2 -> SignatureSurgery.xpathFilter2SubtractingNameId(signature, key);
      case BASE64 ->
          SignatureSurgery.addTransform(signature, SignatureSurgery.base64Transform(), key);
    }
  }

  static void genuineAssertionIn(Document doc, Container container, String evilNameId) {
    Element genuine = Attacks.swapForUnsignedCopy(doc, evilNameId);
    switch (container) {
      case ADVICE -> Attacks.addToAdvice(Attacks.assertion(doc), genuine);
      case EXTENSIONS -> Attacks.addToExtensions(doc, genuine);
      case STATUS_DETAIL -> Attacks.addToStatusDetail(doc, genuine);
    }
  }

  static void extraAssertionIn(Document doc, Container container, String nameId) {
    Element evil = Attacks.unsignedCopy(Attacks.assertion(doc), nameId);
    switch (container) {
      case ADVICE -> Attacks.addToAdvice(Attacks.assertion(doc), evil);
      case EXTENSIONS -> Attacks.addToExtensions(doc, evil);
      case STATUS_DETAIL -> Attacks.addToStatusDetail(doc, evil);
    }
  }

  static void unsignedAssertion(Document doc, String nameId, boolean before) {
    Element genuine = Attacks.assertion(doc);
    Element evil = Attacks.unsignedCopy(genuine, nameId);
    doc.getDocumentElement().insertBefore(evil, before ? genuine : genuine.getNextSibling());
  }

  static void oversizedCipherValue(Document doc, int chars) {
    Element genuine = Attacks.assertion(doc);
    doc.getDocumentElement()
        .replaceChild(
            Attacks.fragment(doc, Attacks.fakeEncryptedAssertion(Attacks.filler(chars))), genuine);
  }

  /** Comment or CDATA split of every element at {@code where} that continues after the prefix. */
  static void split(Document doc, Injected where, String prefix, boolean cdata) {
    List<Element> candidates =
        switch (where) {
          case NAME_ID -> Xml.descendants(doc, ASSERTION_NS, "NameID");
          case AUDIENCE -> Xml.descendants(doc, ASSERTION_NS, "Audience");
          case ISSUER -> Xml.descendants(doc, ASSERTION_NS, "Issuer");
          case ATTRIBUTE_VALUE -> Xml.descendants(doc, ASSERTION_NS, "AttributeValue");
          case RECIPIENT -> throw new IllegalArgumentException("Recipient is split as text");
        };
    List<Element> targets =
        candidates.stream()
            .filter(
                e ->
                    e.getTextContent().startsWith(prefix)
                        && e.getTextContent().length() > prefix.length())
            .limit(where == Injected.ATTRIBUTE_VALUE ? 1 : Long.MAX_VALUE)
            .toList();
    if (targets.isEmpty()) {
      throw new IllegalStateException(
          "no " + where + " starts with, and is longer than, " + prefix);
    }
    for (Element e : targets) {
      Attacks.split(e, prefix, cdata);
    }
  }

  /** The Recipient is an attribute: the markup goes into its value, as text. */
  static String splitRecipient(String xml, String prefix, boolean cdata) {
    String markup = cdata ? "<![CDATA[]]>" : "<!---->";
    String attr = " Recipient=\"" + Xml.escape(prefix);
    if (!xml.contains(attr)) {
      throw new IllegalStateException("Recipient does not start with " + prefix);
    }
    return xml.replace(attr, attr + markup);
  }

  static void resignWithClonedCertificate(Document doc, Draft d) {
    resignWithCertificate(doc, AttackerKeys.clone(d.entra.activeKey().certificate()));
  }

  /** Re-signs the target signature with {@code attacker}, its certificate in KeyInfo. */
  static void resignWithCertificate(Document doc, SigningKey attacker) {
    Element signature = Attacks.targetSignature(doc);
    SignatureSurgery.resign(signature, attacker.privateKey());
    SignatureSurgery.setKeyInfoCertificates(signature, Certificates.base64(attacker.certificate()));
  }

  /** Re-signs the target signature with {@code attacker}, its RSAKeyValue in KeyInfo. */
  static void resignWithKeyValue(Document doc, SigningKey attacker) {
    Element signature = Attacks.targetSignature(doc);
    SignatureSurgery.resign(signature, attacker.privateKey());
    SignatureSurgery.keyValueInsteadOfCertificate(
        signature, (RSAPublicKey) attacker.certificate().getPublicKey());
  }

  static void hmac(Document doc, Draft d, Integer outputBits) {
    SignatureSurgery.hmac(
        Attacks.targetSignature(doc),
        d.entra.activeKey().certificate().getPublicKey().getEncoded(),
        outputBits);
  }

  static void signSubject(Document doc, Draft d) {
    SigningKey idp = d.entra.activeKey();
    Attacks.signSubject(doc, d.algorithm, idp.privateKey(), idp.certificate());
  }

  static void signedMetadataInExtensions(Document doc, Draft d) {
    String metadata = d.entra.metadataXml().replace("\uFEFF", "");
    Element root = Xml.parseUntrusted(Xml.utf8(metadata)).getDocumentElement();
    Attacks.addToExtensions(doc, (Element) doc.importNode(root, true));
  }

  static void signedLogoutResponseInStatusDetail(Document doc, Draft d) {
    Element response = doc.getDocumentElement();
    SigningKey idp = d.entra.activeKey();
    Attacks.addToStatusDetail(
        doc,
        Attacks.signedLogoutResponse(
            doc,
            d.entra.entityId(),
            response.getAttribute("Destination"),
            response.getAttribute("IssueInstant"),
            d.algorithm,
            idp.privateKey(),
            idp.certificate()));
  }
}
