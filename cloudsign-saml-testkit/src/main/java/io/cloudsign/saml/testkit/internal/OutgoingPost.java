package io.cloudsign.saml.testkit.internal;

import io.cloudsign.saml.testkit.internal.OutgoingRedirect.Signing;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A SAML logout message sent by HTTP-POST (SAML Bindings §3.5): base64 of the XML (no DEFLATE) in a
 * form field, optionally signed with an enveloped XML signature on its root (placed after the
 * Issuer, as the schema orders it; RSA-SHA256, exclusive c14n, Reference {@code #ID}, the signing
 * certificate in KeyInfo), optionally broken in one hostile way. Not API.
 */
public final class OutgoingPost {
  private static final String PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

  /** How a signed POST message is broken after signing. */
  public enum Wrapping {
    NONE,
    /** An unsigned message for the victim (another ID) with the signed one in its Extensions. */
    SIGNED_INSIDE_UNSIGNED,
    /** The signed message with an unsigned one for the victim, same ID, in its Extensions. */
    SECOND_MESSAGE_SAME_ID,
    /** The signed message's NameID changed to the victim's after signing. */
    CHANGED_AFTER_SIGNING
  }

  private OutgoingPost() {}

  /**
   * The {@code SAMLRequest}/{@code SAMLResponse} form value of {@code xml}.
   *
   * @param victimXml the same message for the victim (another NameID), for the hostile variants
   * @throws IllegalStateException for {@link Signing#REORDERED_QUERY} (a Redirect-only variant) or
   *     a wrapping of an unsigned message
   */
  public static String value(
      String xml,
      Signing signing,
      SigningKey activeKey,
      Wrapping wrapping,
      UnaryOperator<String> victimXml,
      String victimNameId) {
    if (signing == Signing.REORDERED_QUERY) {
      throw new IllegalStateException(
          "signatureOverReorderedQuery is an HTTP-Redirect variant: an HTTP-POST message is signed"
              + " by an XML signature, not over a query");
    }
    if (wrapping != Wrapping.NONE && signing == Signing.NONE) {
      throw new IllegalStateException(wrapping + " needs a signed message: call signed() too");
    }
    String out = xml;
    if (signing != Signing.NONE) {
      Document doc = Xml.parseKeepingOrder(xml);
      sign(
          doc.getDocumentElement(),
          signing == Signing.ANOTHER_KEY ? Certificates.attacker() : activeKey);
      doc = wrap(doc, wrapping, victimXml, victimNameId);
      out = Xml.serialize(doc, Xml.Style.COMPACT);
    }
    return Base64.getEncoder().encodeToString(out.getBytes(StandardCharsets.UTF_8));
  }

  /** The form fields: {@code parameter}, and RelayState when there is one. */
  public static Map<String, String> fields(String parameter, String value, String relayState) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    fields.put(parameter, value);
    if (relayState != null) {
      fields.put("RelayState", relayState);
    }
    return java.util.Collections.unmodifiableMap(fields);
  }

  /** An auto-submitting page (script submits, noscript offers a button), as IdPs send it. */
  public static String page(String action, Map<String, String> fields) {
    StringBuilder h =
        new StringBuilder(4096)
            .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Working...</title>")
            .append("</head><body><form method=\"POST\" name=\"hiddenform\" action=\"")
            .append(Html.escape(action))
            .append("\">");
    for (String name : List.of("SAMLRequest", "SAMLResponse", "RelayState")) {
      if (fields.containsKey(name)) {
        h.append("<input type=\"hidden\" name=\"")
            .append(name)
            .append("\" value=\"")
            .append(Html.escape(fields.get(name)))
            .append("\">");
      }
    }
    return h.append("<noscript><input type=\"submit\" id=\"submit\" value=\"Submit\"></noscript>")
        .append("</form><script>document.forms[0].submit();</script></body></html>")
        .toString();
  }

  private static void sign(Element root, SigningKey key) {
    String skeleton =
        EnvelopedSigner.skeleton(
            root.getAttribute("ID"),
            SignatureAlgorithm.RSA_SHA256,
            Certificates.base64(key.certificate()));
    Node signature =
        root.getOwnerDocument()
            .importNode(Xml.parseKeepingOrder(skeleton).getDocumentElement(), true);
    Element issuer = Xml.children(root, ASSERTION_NS, "Issuer").get(0);
    root.insertBefore(signature, issuer.getNextSibling());
    EnvelopedSigner.sign(root, SignatureAlgorithm.RSA_SHA256, key.privateKey());
  }

  private static Document wrap(
      Document signed, Wrapping wrapping, UnaryOperator<String> victimXml, String victimNameId) {
    Element root = signed.getDocumentElement();
    switch (wrapping) {
      case NONE -> {
        return signed;
      }
      case CHANGED_AFTER_SIGNING -> {
        Xml.children(root, ASSERTION_NS, "NameID").get(0).setTextContent(victimNameId);
        return signed;
      }
      case SECOND_MESSAGE_SAME_ID -> {
        Element victim = imported(signed, victimXml.apply(root.getAttribute("ID")));
        extensions(root).appendChild(victim);
        return signed;
      }
      case SIGNED_INSIDE_UNSIGNED -> {
        Document outer = Xml.parseKeepingOrder(victimXml.apply("_" + java.util.UUID.randomUUID()));
        Element genuine = (Element) outer.importNode(root, true);
        extensions(outer.getDocumentElement()).appendChild(genuine);
        return outer;
      }
      default -> throw new IllegalArgumentException(wrapping.name());
    }
  }

  private static Element imported(Document into, String xml) {
    return (Element) into.importNode(Xml.parseKeepingOrder(xml).getDocumentElement(), true);
  }

  /** A new samlp:Extensions right after the Issuer and its Signature (the schema's place). */
  private static Element extensions(Element root) {
    Element extensions = root.getOwnerDocument().createElementNS(PROTOCOL_NS, "samlp:Extensions");
    Element issuer = Xml.children(root, ASSERTION_NS, "Issuer").get(0);
    Node after = issuer.getNextSibling();
    List<Element> signatures = Xml.children(root, EnvelopedSigner.DSIG_NS, "Signature");
    if (!signatures.isEmpty()) {
      after = signatures.get(0).getNextSibling();
    }
    root.insertBefore(extensions, after);
    return extensions;
  }
}
