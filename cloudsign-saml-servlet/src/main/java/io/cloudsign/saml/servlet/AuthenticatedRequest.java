package io.cloudsign.saml.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;

/** Exposes the signed-in {@link SamlPrincipal} through the standard servlet security methods. */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
  static final String AUTH_TYPE = "SAML2";

  private volatile SamlPrincipal principal;

  AuthenticatedRequest(HttpServletRequest request, SamlPrincipal principal) {
    super(request);
    this.principal = principal;
  }

  @Override
  public Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public String getRemoteUser() {
    SamlPrincipal p = principal;
    return p == null ? null : p.getName();
  }

  @Override
  public boolean isUserInRole(String role) {
    SamlPrincipal p = principal;
    return p != null && role != null && p.roles().contains(role);
  }

  @Override
  public String getAuthType() {
    return principal == null ? null : AUTH_TYPE;
  }

  /** Ends the local sign-in: the principal leaves the request and the session. */
  @Override
  public void logout() throws ServletException {
    principal = null;
    removeAttribute(SamlPrincipal.ATTRIBUTE);
    HttpSession session = getSession(false);
    if (session != null) {
      session.removeAttribute(SamlPrincipal.ATTRIBUTE);
    }
    super.logout();
  }
}
