package io.cloudsign.saml.servlet.internal;

/**
 * A servlet-style URL pattern, matched against the path inside the web application: {@code /*}
 * (everything), {@code /prefix/*} (the prefix and everything below it), {@code *.ext} (an
 * extension), or an exact path.
 */
public record PathPattern(String pattern) {
  public PathPattern {
    if (pattern == null
        || !(pattern.startsWith("/") || (pattern.startsWith("*.") && pattern.length() > 2))) {
      throw new IllegalArgumentException(
          "a path pattern must be /*, /prefix/*, *.ext or an exact path starting with /: "
              + pattern);
    }
  }

  public boolean matches(String path) {
    if (pattern.equals("/*")) {
      return true;
    }
    if (pattern.startsWith("*.")) {
      return path.endsWith(pattern.substring(1));
    }
    if (pattern.endsWith("/*")) {
      String prefix = pattern.substring(0, pattern.length() - 2);
      return path.equals(prefix) || path.startsWith(prefix + "/");
    }
    return path.equals(pattern);
  }
}
