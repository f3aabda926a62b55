package io.cloudsign.saml.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds on the shape of untrusted XML, checked by one linear scan of its bytes before any parser
 * sees them. Not API.
 *
 * <p>Why: a DOM parser's cost is not linear in the input. Each prefixed name is resolved against
 * the namespace declarations in scope, so a document that declares a thousand prefixes on its root
 * and then holds fifty thousand tiny elements costs the parser tens of times what a benign body of
 * the same size costs, before any rule runs. Entra declares about four namespaces; the bounds here
 * leave every real IdP's Response far inside them and cap what an attacker can make the parser do.
 *
 * <p>The scan only rejects, never accepts: it counts markup the way an XML parser would (start
 * tags, their attributes and {@code xmlns} declarations, end tags; comments, CDATA sections and
 * processing instructions skipped), and anything it cannot make sense of is left to the parser,
 * which rejects it. Markup is ASCII, so the bytes of UTF-8 (and US-ASCII) input are read directly;
 * a document in any other encoding is refused here, since the counts would not see its markup and
 * Entra and every other IdP send UTF-8.
 *
 * <p>{@link FastXml} counts the same bounds the same way while it reads the plain subset (its cost
 * is linear in the input), so this scan runs only for the documents it declines, before the JDK's
 * parser sees them.
 */
public final class XmlBounds {
  /**
   * Bounds for a SAML Response: about as much markup as the default size limit (256 KiB) can hold
   * of real claims, and far above any real IdP's Response (Entra sends at most 150 group values;
   * above that, the groups overage claim). The attribute total counts {@code xmlns} declarations
   * too: an IdP that declares {@code xs} and {@code xsi} and sets {@code xsi:type} on every
   * AttributeValue (Okta, Shibboleth, Keycloak) spends three per value, so 4,096 leaves room for
   * about 1,300 values (as many as the default size holds); Entra spends none. Measured in
   * ParseCostBenchmarks: the costliest markup these bounds let through costs about 3x a genuine
   * Response of the same size.
   */
  public static final XmlBounds RESPONSE = new XmlBounds(5_000, 4_096, 64, 32);

  /** Bounds for IdP metadata (an Entra tenant's document holds a few hundred elements). */
  public static final XmlBounds METADATA = new XmlBounds(100_000, 400_000, 64, 32);

  private final int maxElements;
  private final int maxAttributes;
  private final int maxAttributesPerElement;
  private final int maxNamespacesInScope;

  XmlBounds(
      int maxElements, int maxAttributes, int maxAttributesPerElement, int maxNamespacesInScope) {
    this.maxElements = maxElements;
    this.maxAttributes = maxAttributes;
    this.maxAttributesPerElement = maxAttributesPerElement;
    this.maxNamespacesInScope = maxNamespacesInScope;
  }

  int maxElements() {
    return maxElements;
  }

  int maxAttributes() {
    return maxAttributes;
  }

  int maxAttributesPerElement() {
    return maxAttributesPerElement;
  }

  int maxNamespacesInScope() {
    return maxNamespacesInScope;
  }

  /** Thrown when a document is outside the bounds; the message is log-safe and names the bound. */
  public static final class OutOfBoundsException extends Exception {
    private static final long serialVersionUID = 1L;

    OutOfBoundsException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Checks {@code xml[from..]}: at most {@link #maxElements} elements, {@link #maxAttributes}
   * attributes (namespace declarations included) in all, {@link #maxAttributesPerElement} on any
   * element, {@link #maxNamespacesInScope} namespace declarations in scope at any element, nesting
   * no deeper than {@link OpenSaml#MAX_ELEMENT_DEPTH}, and no encoding but UTF-8 or US-ASCII.
   */
  public void check(byte[] xml, int from) throws OutOfBoundsException {
    new Scan(xml, from).run();
  }

  /** One pass over the bytes; state is the position and the namespace count per open element. */
  private final class Scan {
    private final byte[] b;
    private final int[] declaredAt = new int[OpenSaml.MAX_ELEMENT_DEPTH + 1];
    private int i;
    private int depth;
    private int inScope;
    private int elements;
    private int attributes;

    Scan(byte[] b, int from) {
      this.b = b;
      this.i = from;
    }

    void run() throws OutOfBoundsException {
      firstByte();
      while (true) {
        int lt = indexOf('<', i);
        if (lt < 0 || lt + 1 >= b.length) {
          return;
        }
        i = lt + 1;
        byte c = b[i];
        if (c == '!') {
          skipDeclaration();
        } else if (c == '?') {
          processingInstruction();
        } else if (c == '/') {
          endTag();
        } else {
          startTag();
        }
      }
    }

    /** A document whose first markup byte is not '<' after whitespace is not ASCII-compatible. */
    private void firstByte() throws OutOfBoundsException {
      int j = i;
      while (j < b.length && isSpace(b[j])) {
        j++;
      }
      if (j < b.length && (b[j] != '<' || j + 1 >= b.length || b[j + 1] == 0)) {
        throw new OutOfBoundsException("the document is not UTF-8 (its first byte is not '<')");
      }
    }

    private void skipDeclaration() {
      if (startsWith("!--", i)) {
        i = after("-->", i + 3);
      } else if (startsWith("![CDATA[", i)) {
        i = after("]]>", i + 8);
      } else {
        i = after(">", i); // a DOCTYPE: the parser refuses it
      }
    }

    /** Skips a processing instruction; the XML declaration's encoding must be UTF-8 or ASCII. */
    private void processingInstruction() throws OutOfBoundsException {
      int end = after("?>", i);
      if (startsWith("?xml", i) && end > i) {
        String decl = new String(b, i, end - i, StandardCharsets.US_ASCII);
        Matcher m = ENCODING.matcher(decl);
        if (m.find()) {
          String encoding = m.group(2).toUpperCase(Locale.ROOT);
          if (!encoding.equals("UTF-8") && !encoding.equals("US-ASCII")) {
            throw new OutOfBoundsException(
                "the document declares encoding " + LogSafe.text(m.group(2)) + "; only UTF-8");
          }
        }
      }
      i = end;
    }

    private void endTag() {
      if (depth > 0) {
        inScope -= declaredAt[depth];
        depth--;
      }
      i = after(">", i);
    }

    private void startTag() throws OutOfBoundsException {
      if (++elements > maxElements) {
        throw new OutOfBoundsException("more than " + maxElements + " elements");
      }
      if (depth == OpenSaml.MAX_ELEMENT_DEPTH) {
        throw new OutOfBoundsException("elements nested deeper than " + OpenSaml.MAX_ELEMENT_DEPTH);
      }
      depth++;
      declaredAt[depth] = 0;
      i = skipName(i);
      int onThisElement = 0;
      while (i < b.length) {
        byte c = b[i];
        if (c == '>') {
          i++;
          return;
        }
        if (c == '/' && i + 1 < b.length && b[i + 1] == '>') {
          i += 2;
          inScope -= declaredAt[depth];
          depth--;
          return;
        }
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (c == '"' || c == '\'' || c == '=') {
          i = c == '=' ? i + 1 : after(c == '"' ? "\"" : "'", i + 1);
          continue;
        }
        if (++onThisElement > maxAttributesPerElement) {
          throw new OutOfBoundsException(
              "an element has more than " + maxAttributesPerElement + " attributes");
        }
        if (++attributes > maxAttributes) {
          throw new OutOfBoundsException(
              "more than " + maxAttributes + " attributes in the document");
        }
        int start = i;
        i = skipName(i);
        if (isNamespaceDeclaration(start, i)) {
          declaredAt[depth]++;
          if (++inScope > maxNamespacesInScope) {
            throw new OutOfBoundsException(
                "more than " + maxNamespacesInScope + " namespace declarations in scope");
          }
        }
      }
    }

    private boolean isNamespaceDeclaration(int start, int end) {
      int n = end - start;
      return (n == 5 || (n > 5 && b[start + 5] == ':')) && startsWith("xmlns", start);
    }

    /** The index after a name: up to whitespace, '=', '/', '>' or a quote (at least one byte). */
    private int skipName(int j) {
      int k = j;
      while (k < b.length) {
        byte c = b[k];
        if (isSpace(c) || c == '=' || c == '/' || c == '>' || c == '"' || c == '\'') {
          break;
        }
        k++;
      }
      return k == j ? j + 1 : k;
    }

    private int indexOf(char c, int from) {
      for (int k = from; k < b.length; k++) {
        if (b[k] == c) {
          return k;
        }
      }
      return -1;
    }

    /** The index just after the next {@code s} at or after {@code from}, or the end of input. */
    private int after(String s, int from) {
      for (int k = from; k + s.length() <= b.length; k++) {
        if (startsWith(s, k)) {
          return k + s.length();
        }
      }
      return b.length;
    }

    private boolean startsWith(String s, int at) {
      if (at < 0 || at + s.length() > b.length) {
        return false;
      }
      for (int k = 0; k < s.length(); k++) {
        if (b[at + k] != s.charAt(k)) {
          return false;
        }
      }
      return true;
    }
  }

  private static final Pattern ENCODING = Pattern.compile("encoding\\s*=\\s*([\"'])([^\"']*)\\1");

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
