package io.cloudsign.saml.core;

/**
 * The claims Entra ID sends in a SAML assertion, with the attribute names (claim URIs) Entra uses
 * by default. Admins can rename claims in Entra's "Attributes &amp; Claims"; map them with {@link
 * ClaimMapping}.
 */
public enum EntraClaim {
  OBJECT_ID("http://schemas.microsoft.com/identity/claims/objectidentifier"),
  TENANT_ID("http://schemas.microsoft.com/identity/claims/tenantid"),
  /** The user principal name (user.userprincipalname). */
  NAME("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"),
  EMAIL("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"),
  DISPLAY_NAME("http://schemas.microsoft.com/identity/claims/displayname"),
  GIVEN_NAME("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"),
  SURNAME("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"),
  /** Group object ids; more than 150 groups arrive as {@link #GROUPS_LINK} instead. */
  GROUPS("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"),
  /** Sent instead of {@link #GROUPS} when the user is in too many groups (Graph link). */
  GROUPS_LINK("http://schemas.microsoft.com/claims/groups.link"),
  ROLES("http://schemas.microsoft.com/ws/2008/06/identity/claims/role"),
  IDENTITY_PROVIDER("http://schemas.microsoft.com/identity/claims/identityprovider"),
  AUTHN_METHODS_REFERENCES("http://schemas.microsoft.com/claims/authnmethodsreferences");

  private final String defaultUri;

  EntraClaim(String defaultUri) {
    this.defaultUri = defaultUri;
  }

  /** The attribute name Entra uses unless the admin renamed the claim. */
  public String defaultUri() {
    return defaultUri;
  }
}
