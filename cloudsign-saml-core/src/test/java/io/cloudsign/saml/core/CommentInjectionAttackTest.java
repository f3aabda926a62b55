package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.Attack.Injected;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Comment and CDATA injection (CVE-2017-11427 class, 2018): after signing, the value is split so
 * that a reader of only the first text node sees a prefix while exclusive c14n (without comments)
 * still sees the whole value, so the signature stays valid. The result must be the full value or a
 * rejection, never the truncated prefix.
 */
class CommentInjectionAttackTest extends AttackTestSupport {
  private static final String EVIL_SUFFIX = ".evil.example";

  @ParameterizedTest(name = "cdata={0}")
  @ValueSource(booleans = {false, true})
  void validateWhenNameIdIsSplitThenReadsTheFullSignedValue(boolean cdata) throws Exception {
    String signed = EVIL_NAME_ID + EVIL_SUFFIX;
    VerifiedAssertion a =
        acceptedWith(
            b -> b.nameId(signed),
            b ->
                cdata
                    ? b.with(Attack.cdataSplit(Injected.NAME_ID, EVIL_NAME_ID))
                    : b.with(Attack.commentSplit(Injected.NAME_ID, EVIL_NAME_ID)));
    assertThat(a.nameId()).isEqualTo(signed);
  }

  @ParameterizedTest(name = "cdata={0}")
  @ValueSource(booleans = {false, true})
  void validateWhenAttributeValueIsSplitThenReadsTheFullSignedValue(boolean cdata) {
    String claim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    String signed = "Admin" + EVIL_SUFFIX;
    VerifiedAssertion a =
        acceptedWith(
            b -> b.attribute(claim, signed),
            b ->
                cdata
                    ? b.with(Attack.cdataSplit(Injected.ATTRIBUTE_VALUE, "Admin"))
                    : b.with(Attack.commentSplit(Injected.ATTRIBUTE_VALUE, "Admin")));
    assertThat(a.attributes().get(claim)).containsExactly(signed);
  }

  @ParameterizedTest(name = "cdata={0}")
  @ValueSource(booleans = {false, true})
  void validateWhenAudienceIsSplitToLookLikeOursThenRejectsWithInvalidAudience(boolean cdata) {
    // The IdP signed another application's Identifier that merely starts with ours.
    String theirs = Fixture.ENTITY_ID + EVIL_SUFFIX;
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    cdata
                        ? b.audience(theirs)
                            .with(Attack.cdataSplit(Injected.AUDIENCE, Fixture.ENTITY_ID))
                        : b.audience(theirs)
                            .with(Attack.commentSplit(Injected.AUDIENCE, Fixture.ENTITY_ID))))
        .isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  @ParameterizedTest(name = "cdata={0}")
  @ValueSource(booleans = {false, true})
  void validateWhenAudienceIsSplitButWholeValueIsOursThenAccepts(boolean cdata) {
    String prefix = Fixture.ENTITY_ID.substring(0, 10);
    acceptedWith(
        b -> b,
        b ->
            cdata
                ? b.with(Attack.cdataSplit(Injected.AUDIENCE, prefix))
                : b.with(Attack.commentSplit(Injected.AUDIENCE, prefix)));
  }

  @ParameterizedTest(name = "cdata={0}")
  @ValueSource(booleans = {false, true})
  void validateWhenIssuerIsSplitToLookLikeTheIdpThenRejectsWithInvalidIssuer(boolean cdata) {
    String idp = FAKE.entra().entityId();
    String other = idp + "evil/";
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    cdata
                        ? b.with(Attack.assertionIssuer(other))
                            .with(Attack.cdataSplit(Injected.ISSUER, idp))
                        : b.with(Attack.assertionIssuer(other))
                            .with(Attack.commentSplit(Injected.ISSUER, idp))))
        .isEqualTo(ErrorCode.INVALID_ISSUER);
  }

  @ParameterizedTest(name = "cdata={0}")
  @ValueSource(booleans = {false, true})
  void validateWhenMarkupIsInjectedIntoRecipientAttributeThenRejectsWithMalformedResponse(
      boolean cdata) {
    // Recipient is an attribute: comment or CDATA markup there makes the XML not well-formed.
    String prefix = Fixture.REPLY_URL.substring(0, 20);
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    cdata
                        ? b.with(Attack.cdataSplit(Injected.RECIPIENT, prefix))
                        : b.with(Attack.commentSplit(Injected.RECIPIENT, prefix))))
        .isEqualTo(ErrorCode.MALFORMED_RESPONSE);
  }
}
