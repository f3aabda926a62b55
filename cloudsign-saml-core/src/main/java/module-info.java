/**
 * cloudsign-saml-core: exports only the API package {@code io.cloudsign.saml.core}; {@code
 * io.cloudsign.saml.core.internal} is not exported, so code in another module cannot compile
 * against it.
 *
 * <p>OpenSAML 4.0.1, java-support 8 and Santuario 2.3 have no module descriptor: they are automatic
 * modules, required here by their {@code Automatic-Module-Name}. No package is split between them
 * or with the other runtime dependencies. Guava, commons-codec and BouncyCastle are not used by
 * this module's code but by those automatic modules, which read every module yet cause only other
 * automatic modules to be resolved: they are required here so that they are resolved (without
 * Guava, reading metadata on the module path fails with {@code NoClassDefFoundError}).
 */
@SuppressWarnings("requires-automatic") // the automatic modules are the known limitation above
module io.cloudsign.saml.core {
  exports io.cloudsign.saml.core;

  // In the API: JdbcReplayCache takes a javax.sql.DataSource.
  requires transitive java.sql;
  requires java.xml;
  // FederationMetadataUrl fetches Entra's App Federation Metadata Url with the JDK's HTTP client.
  requires java.net.http;
  requires org.slf4j;
  requires org.opensaml.core;
  requires org.opensaml.saml;
  requires org.opensaml.saml.impl;
  requires org.opensaml.security;
  requires org.opensaml.xmlsec;
  requires org.opensaml.xmlsec.impl;
  requires net.shibboleth.utilities.java.support;
  requires org.apache.santuario.xmlsec;
  // Used by OpenSAML and java-support only (see above).
  requires com.google.common;
  requires org.apache.commons.codec;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
}
