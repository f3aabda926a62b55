package io.cloudsign.saml.testkit.internal;

/** Claim URIs Entra puts in its SAML AttributeStatement (no NameFormat). */
public final class Claims {
  public static final String TENANT_ID = "http://schemas.microsoft.com/identity/claims/tenantid";
  public static final String OBJECT_ID =
      "http://schemas.microsoft.com/identity/claims/objectidentifier";
  public static final String DISPLAY_NAME =
      "http://schemas.microsoft.com/identity/claims/displayname";
  public static final String GROUPS =
      "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups";
  public static final String GROUPS_LINK = "http://schemas.microsoft.com/claims/groups.link";
  public static final String ROLE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
  public static final String IDENTITY_PROVIDER =
      "http://schemas.microsoft.com/identity/claims/identityprovider";
  public static final String AUTHN_METHODS_REFERENCES =
      "http://schemas.microsoft.com/claims/authnmethodsreferences";
  public static final String GIVEN_NAME =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
  public static final String SURNAME =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname";
  public static final String EMAIL =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
  public static final String NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

  public static final String PASSWORD_METHOD =
      "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password";

  /** Entra replaces the groups claim by a link when a user is in more groups than this. */
  public static final int GROUPS_OVERAGE_LIMIT = 150;

  private Claims() {}
}
