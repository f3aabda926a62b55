package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;

/** Small reads of a request that every endpoint shares. */
final class Requests {
  private Requests() {}

  /** The path inside the web application (servlet path + path info), {@code /} at least. */
  static String pathInContext(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  static boolean isSafeMethod(HttpServletRequest request) {
    return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
  }

  static String uriWithQuery(HttpServletRequest request) {
    String query = request.getQueryString();
    return request.getRequestURI() + (query == null ? "" : "?" + query);
  }

  /** The method for a log line: an upper-case token, or {@code ?}. */
  static String safeMethod(HttpServletRequest request) {
    String m = request.getMethod();
    return m != null && m.matches("[A-Z]{1,16}") ? m : "?";
  }

  /** A host name for a log line: host characters only, at most 100, or {@code ?}. */
  static String safeHost(String host) {
    return host != null && host.matches("[A-Za-z0-9.:\\[\\]_-]{1,100}") ? host : "?";
  }
}
