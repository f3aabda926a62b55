package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ResponseSignatureTest {
  private static final TestClock CLOCK = TestClock.at(Instant.parse("2026-03-02T10:15:30.250Z"));
  private static final FakeEntra ENTRA = FakeEntra.builder().clock(CLOCK).build();

  private static ResponseBuilder genuine() {
    return ENTRA
        .response()
        .inResponseTo("_req1")
        .destination("https://sp.example.com/saml2/idpresponse")
        .audience("urn:example:sp");
  }

  private static X509Certificate metadataCert() throws Exception {
    List<X509Certificate> certs = Dsig.metadataCertificates(ENTRA.metadataXml());
    assertThat(certs).hasSize(1);
    return certs.get(0);
  }

  @Test
  void defaultModeSignsOnlyTheAssertionVerifiablyWithTheMetadataCertificate() throws Exception {
    Document doc = Dsig.parse(Dsig.decode(genuine().build()));
    assertThat(Dsig.signatureOf(Dsig.response(doc))).isNull();
    assertThat(Dsig.verifies(Dsig.assertion(doc), metadataCert())).isTrue();
  }

  @Test
  void signResponseSignsOnlyTheResponseVerifiably() throws Exception {
    Document doc = Dsig.parse(genuine().signResponse().buildXml());
    assertThat(Dsig.signatureOf(Dsig.assertion(doc))).isNull();
    assertThat(Dsig.verifies(Dsig.response(doc), metadataCert())).isTrue();
  }

  @Test
  void signResponseAndAssertionSignsBothVerifiably() throws Exception {
    Document doc = Dsig.parse(genuine().signResponseAndAssertion().buildXml());
    assertThat(Dsig.verifies(Dsig.assertion(doc), metadataCert())).isTrue();
    assertThat(Dsig.verifies(Dsig.response(doc), metadataCert())).isTrue();
  }

  @Test
  void signatureDoesNotVerifyWithAnotherKey() throws Exception {
    FakeEntra other = FakeEntra.builder().clock(CLOCK).build();
    Document doc = Dsig.parse(genuine().buildXml());
    assertThat(Dsig.verifies(Dsig.assertion(doc), other.signingCertificate())).isFalse();
  }

  @Test
  void secondOfTwoMetadataCertificatesSignsWhenItIsActive() throws Exception {
    FakeEntra two =
        FakeEntra.builder()
            .clock(CLOCK)
            .signingCertificateCount(2)
            .activeCertificateIndex(1)
            .build();
    List<X509Certificate> certs = Dsig.metadataCertificates(two.metadataXml());
    assertThat(certs).hasSize(2).isEqualTo(two.signingCertificates());
    assertThat(two.signingCertificate()).isEqualTo(certs.get(1));
    Element assertion =
        Dsig.assertion(
            Dsig.parse(
                two.response()
                    .inResponseTo("_r")
                    .destination("https://sp.example.com/acs")
                    .audience("urn:sp")
                    .buildXml()));
    assertThat(Dsig.verifies(assertion, certs.get(0))).isFalse();
    assertThat(Dsig.verifies(assertion, certs.get(1))).isTrue();
  }

  @Test
  void givenSigningKeyIsUsedAndPublished() throws Exception {
    FakeEntra donor = FakeEntra.create();
    FakeEntra entra =
        FakeEntra.builder()
            .signingKey(donor.activeKey().privateKey(), donor.signingCertificate())
            .build();
    assertThat(entra.signingCertificate()).isEqualTo(donor.signingCertificate());
    Element assertion =
        Dsig.assertion(
            Dsig.parse(
                entra
                    .response()
                    .withoutInResponseTo()
                    .destination("https://a.example/acs")
                    .audience("urn:sp")
                    .buildXml()));
    assertThat(Dsig.verifies(assertion, donor.signingCertificate())).isTrue();
  }

  @Test
  void eachBuildHasFreshIds() {
    ResponseBuilder b = genuine();
    Document one = Dsig.parse(b.buildXml());
    Document two = Dsig.parse(b.buildXml());
    assertThat(Dsig.response(one).getAttribute("ID"))
        .isNotEqualTo(Dsig.response(two).getAttribute("ID"));
    assertThat(Dsig.assertion(one).getAttribute("ID"))
        .isNotEqualTo(Dsig.assertion(two).getAttribute("ID"));
  }
}
