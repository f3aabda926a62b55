package io.cloudsign.saml.core.internal;

/**
 * The switch for the library's own XML fast paths: the subset parser that builds the DOM of a
 * message ({@code FastXml}) and the exclusive canonicalizer of the signature check ({@code
 * ExclusiveC14n}). Each handles only what it is sure of and hands anything else to the general path
 * (the JDK's parser, Santuario's canonicalizer), so outcomes do not depend on the switch; {@code
 * -Dio.cloudsign.saml.fastpath=off} at start takes the general path for everything. Not API.
 */
public final class FastPath {
  /** Whether the fast paths are on (read once, at class initialisation). */
  public static final boolean ENABLED =
      !"off".equals(System.getProperty("io.cloudsign.saml.fastpath"));

  private FastPath() {}
}
