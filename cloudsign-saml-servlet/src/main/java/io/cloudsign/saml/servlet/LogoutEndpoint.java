package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The logout path (GET or POST): ends the local session and sends the browser on (303). */
final class LogoutEndpoint implements Endpoint {
  private final FilterSettings s;

  LogoutEndpoint(FilterSettings settings) {
    this.s = settings;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response) {
    Sessions.end(request);
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", request.getContextPath() + s.afterLogoutPath);
    response.setHeader("Cache-Control", "no-store");
  }
}
