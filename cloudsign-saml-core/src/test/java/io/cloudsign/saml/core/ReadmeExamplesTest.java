package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The README's examples, compiled and run. Copy from here into README.md. */
class ReadmeExamplesTest {
  // README: testkit
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  @TempDir Path dir;

  @Test
  void readmeCoreExampleWhenRunAgainstFakeEntraThenSignsIn() throws Exception {
    Path metadataFile = dir.resolve("CloudSign.xml");
    Files.writeString(metadataFile, fake.entra().metadataXml());

    // README: configure
    IdentityProvider entra = IdentityProvider.fromMetadata(metadataFile); // Federation Metadata XML
    Registration cloudsign =
        Registration.builder("cloudsign")
            .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE") // Identifier (Entity ID)
            .replyUrl( // Reply URL (Assertion Consumer Service URL)
                "https://cloudsign-EXAMPLE.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse")
            .signOnUrl("https://www.cloudsign.jp/login") // Sign on URL
            .identityProvider(entra)
            .build();
    ServiceProvider sp =
        ServiceProvider.builder().registration(cloudsign).clock(fake.clock()).build();
    // README: end configure

    // README: start
    SignInRequest request = sp.startSignIn("cloudsign", "k3y");
    PendingRequest pending = request.pending(); // keep for this browser (signed cookie)
    String location = request.redirectUrl().toString(); // answer 302 Location: location
    // README: end start

    AuthnRequestInfo received = fake.entra().parseRedirect(location);
    String samlResponseFormValue = fake.entra().respondTo(received).build();

    // README: validate
    try {
      VerifiedAssertion user = sp.validate(samlResponseFormValue, pending);
      String nameId = user.nameId(); // Entra's Unique User Identifier
      List<String> groups = user.groups(); // group object ids
      String objectId = user.objectId().orElseThrow();
      // link to the local user, rotate the session id, ...
      assertThat(nameId).isNotBlank();
      assertThat(groups).isNotNull();
      assertThat(objectId).isNotBlank();
    } catch (SamlValidationException e) {
      String shownToBrowser = e.code().id(); // e.g. "invalid_audience"
      String forTheLog = e.getMessage(); // every failure, log-safe, with what to fix
      throw new AssertionError(shownToBrowser + ": " + forTheLog);
    }
    // README: end validate
  }

  // README: testkit test
  @Test
  void signInWhenAudienceIsWrongThenRejected() throws Exception {
    FakeEntra entra = fake.entra();
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(
                Registration.builder("app")
                    .entityId("urn:example:app")
                    .replyUrl("http://localhost:8080/saml2/idpresponse")
                    .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
                    .build())
            .clock(fake.clock())
            .build();
    SignInRequest request = sp.startSignIn("app", null);
    AuthnRequestInfo received = entra.parseRedirect(request.redirectUrl().toString());

    String good = entra.respondTo(received).user(TestUser.bSimon()).build();
    String bad = entra.respondTo(received).with(Attack.wrongAudience()).build();

    assertThat(sp.validate(good, request.pending()).nameId()).isEqualTo(TestUser.bSimon().nameId());
    SamlValidationException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            SamlValidationException.class, () -> sp.validate(bad, request.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }
  // README: end testkit test
}
