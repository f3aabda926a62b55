/**
 * cloudsign-saml-testkit: exports only the API package {@code io.cloudsign.saml.testkit}; {@code
 * io.cloudsign.saml.testkit.internal} is not exported. Does not read cloudsign-saml-core.
 *
 * <p>Santuario 2.3 has no module descriptor: it is an automatic module, required by its {@code
 * Automatic-Module-Name}. It logs through slf4j, which is required here so that it is resolved (an
 * automatic module causes only other automatic modules to be resolved).
 */
@SuppressWarnings("requires-automatic") // Santuario, see above
module io.cloudsign.saml.testkit {
  exports io.cloudsign.saml.testkit;

  // In the API: FakeEntraExtension is a JUnit 5 extension.
  requires transitive org.junit.jupiter.api;
  requires java.xml;
  requires java.xml.crypto;
  // In the API: SignInClient answers with java.net.http responses.
  requires transitive java.net.http;
  requires jdk.httpserver;
  requires org.apache.santuario.xmlsec;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.slf4j;
}
