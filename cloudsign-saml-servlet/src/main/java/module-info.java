/**
 * cloudsign-saml-servlet: exports only the API package {@code io.cloudsign.saml.servlet}; {@code
 * io.cloudsign.saml.servlet.internal} is not exported.
 *
 * <p>A {@code SamlSsoFilterFactory} named in {@code web.xml} is instantiated by reflection: on the
 * module path its package must be exported (at least to this module).
 */
module io.cloudsign.saml.servlet {
  exports io.cloudsign.saml.servlet;

  // In the API: the filter and its builder take and return core and servlet types.
  requires transitive io.cloudsign.saml.core;
  requires transitive jakarta.servlet;
  requires org.slf4j;
}
