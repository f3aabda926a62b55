package io.cloudsign.saml.testkit.internal;

/**
 * A tiny writer for our one-line XML templates: attributes are written in call order and every
 * value is escaped. Null attribute values are skipped (an absent optional attribute).
 */
public final class Tags {
  private final StringBuilder sb = new StringBuilder(4096);
  private boolean open;

  public Tags raw(String xml) {
    closeStart();
    sb.append(xml);
    return this;
  }

  public Tags start(String qName) {
    closeStart();
    sb.append('<').append(qName);
    open = true;
    return this;
  }

  public Tags attr(String qName, String value) {
    if (!open) {
      throw new IllegalStateException("attribute outside a start tag: " + qName);
    }
    if (value != null) {
      sb.append(' ').append(qName).append("=\"").append(Xml.escape(value)).append('"');
    }
    return this;
  }

  public Tags text(String value) {
    closeStart();
    sb.append(Xml.escape(value));
    return this;
  }

  /** Ends the element opened last; writes {@code />} if nothing was added since its start tag. */
  public Tags end(String qName) {
    if (open) {
      sb.append("/>");
      open = false;
    } else {
      sb.append("</").append(qName).append('>');
    }
    return this;
  }

  /** {@code <qName>text</qName>}. */
  public Tags element(String qName, String text) {
    return start(qName).text(text).end(qName);
  }

  private void closeStart() {
    if (open) {
      sb.append('>');
      open = false;
    }
  }

  @Override
  public String toString() {
    closeStart();
    return sb.toString();
  }
}
