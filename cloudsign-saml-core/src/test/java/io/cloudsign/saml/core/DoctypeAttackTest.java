package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DOCTYPE and XInclude: the one parse rejects every DOCTYPE (so no entity, DTD or ATTLIST default
 * is ever processed) and is not XInclude-aware. Every URL points at a loopback canary that must see
 * zero connections.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DoctypeAttackTest extends AttackTestSupport {
  private Canary canary;

  @BeforeEach
  void openCanary() throws IOException {
    canary = new Canary();
  }

  @AfterEach
  void closeCanary() throws IOException {
    canary.close();
  }

  @Test
  void canaryRecordsAConnection() throws IOException {
    URI u = URI.create(canary.url("self-test"));
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      assertThat(canary.connections()).isEqualTo(1);
    }
  }

  @Test
  void validateWhenExternalEntityThenRejectsWithMalformedResponseAndNoEgress() throws IOException {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.externalEntity(canary.url("entity")))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(canary.connections()).isZero();
  }

  @Test
  void validateWhenExternalParameterEntityThenRejectsWithMalformedResponseAndNoEgress()
      throws IOException {
    assertThat(
            rejectedCode(b -> b, b -> b.with(Attack.externalParameterEntity(canary.url("param")))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(canary.connections()).isZero();
  }

  @Test
  void validateWhenExternalDtdThenRejectsWithMalformedResponseAndNoEgress() throws IOException {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.externalDtd(canary.url("dtd")))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(canary.connections()).isZero();
  }

  @Test
  void validateWhenBillionLaughsThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.billionLaughs())))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenAttlistDefaultSuppliesRecipientThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.attlistDefault(Fixture.REPLY_URL))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenAssertionIdIsBuiltFromAnEntityThenRejectsWithMalformedResponse() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.entityBuiltId())))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }

  @Test
  void validateWhenXincludeInSignedNameIdThenRejectsWithMalformedResponseAndNoEgress()
      throws IOException {
    // Not processed: the xi:include element stays an element, and NameID has simple content only.
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.xinclude(canary.url("xinclude")))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(canary.connections()).isZero();
  }
}
