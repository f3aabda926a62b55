package io.cloudsign.saml.testkit.internal;

/**
 * The DOCTYPE and entity attacks as text edits of a serialised Response (a DOM cannot carry an
 * internal subset the way an attacker writes it). Not API.
 */
public final class Doctypes {
  private static final String NAME_ID = "(<NameID[^>]*>)[^<]*(</NameID>)";

  private Doctypes() {}

  /** A DOCTYPE declaring an external entity at {@code url}; the NameID refers to it. */
  public static String externalEntity(String xml, String url) {
    return "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \""
        + Xml.escape(url)
        + "\">]>"
        + replaceNameId(xml, "&xxe;");
  }

  /** A DOCTYPE referencing an external parameter entity at {@code url} in the DTD. */
  public static String externalParameterEntity(String xml, String url) {
    return "<!DOCTYPE samlp:Response [<!ENTITY % p SYSTEM \"" + Xml.escape(url) + "\"> %p;]>" + xml;
  }

  /** A DOCTYPE naming an external DTD at {@code url}. */
  public static String externalDtd(String xml, String url) {
    return "<!DOCTYPE samlp:Response SYSTEM \"" + Xml.escape(url) + "\">" + xml;
  }

  /** Nested entities expanding to 10^9 "lol"s in the NameID. */
  public static String billionLaughs(String xml) {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE samlp:Response [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"");
      for (int j = 0; j < 10; j++) {
        dtd.append("&lol").append(i - 1).append(';');
      }
      dtd.append("\">");
    }
    return dtd.append("]>") + replaceNameId(xml, "&lol9;");
  }

  /** An ATTLIST default giving SubjectConfirmationData a Recipient of {@code recipientUrl}. */
  public static String attlistRecipient(String xml, String recipientUrl) {
    return "<!DOCTYPE samlp:Response [<!ATTLIST SubjectConfirmationData Recipient CDATA \""
        + Xml.escape(recipientUrl)
        + "\">]>"
        + xml;
  }

  /** The first Assertion's ID spelled through an internal entity. */
  public static String entityBuiltId(String xml) {
    int a = xml.indexOf("<Assertion ID=\"") + "<Assertion ID=\"".length();
    String id = xml.substring(a, xml.indexOf('"', a));
    return "<!DOCTYPE samlp:Response [<!ENTITY id \""
        + id
        + "\">]>"
        + xml.substring(0, a)
        + "&id;"
        + xml.substring(a + id.length());
  }

  /** The first NameID's text becomes an xi:include of {@code url}. */
  public static String xinclude(String xml, String url) {
    return replaceNameId(
        xml,
        "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\""
            + Xml.escape(url)
            + "\" parse=\"text\"/>");
  }

  private static String replaceNameId(String xml, String content) {
    return xml.replaceFirst(
        NAME_ID, "$1" + content.replace("\\", "\\\\").replace("$", "\\$") + "$2");
  }
}
