package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules as named parts: one stated order that the README and {@link ErrorCode} follow, an order
 * that takes a new rule without touching the validator, and trusted keys looked up at each
 * validation.
 */
class ResponseRulesTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private TestClock clock;
  private Fixture fx;

  @BeforeEach
  void setUp() {
    clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
    fx = new Fixture(fake.entra(), clock);
  }

  @Test
  void readmeRuleTableListsEveryRuleInOrderWithItsCodes() throws IOException {
    List<String> readme = readmeRuleRows();

    List<String> order =
        ResponseRules.ORDER.stream()
            .map(r -> r.name() + " " + r.codes().stream().map(ErrorCode::id).toList())
            .toList();
    assertThat(readme).containsExactlyElementsOf(order);
  }

  @Test
  void everyErrorCodeIsReportedBySomeRule() {
    Set<ErrorCode> reported =
        ResponseRules.ORDER.stream()
            .flatMap(r -> r.codes().stream())
            .collect(Collectors.toCollection(LinkedHashSet::new));

    assertThat(reported).containsExactlyInAnyOrder(ErrorCode.values());
  }

  @Test
  void readmeErrorCodeTableListsEveryCodeAndNoOther() throws IOException {
    String readme = Files.readString(readme());
    String table = readme.substring(readme.indexOf("### Error codes"));
    table = table.substring(0, table.indexOf("\n## "));
    Set<String> listed = new LinkedHashSet<>();
    Matcher row = Pattern.compile("(?m)^\\| (`.*?) \\|").matcher(table);
    while (row.find()) {
      Matcher id = Pattern.compile("`([a-z_0-9]+)`").matcher(row.group(1));
      while (id.find()) {
        listed.add(id.group(1));
      }
    }

    assertThat(listed)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ErrorCode.values()).map(ErrorCode::id).toList());
  }

  @Test
  void validateWhenTheOrderGainsARuleThenItRunsWithoutChangingTheValidator() throws Exception {
    // An application-specific rule, e.g. "only NameIDs of our own domain", added in a test order.
    ResponseRule ownDomain =
        ResponseRule.of(
            "own-domain",
            v -> {
              if (v.nameId != null && !v.nameId.value().endsWith("@cloudsign.example")) {
                v.fail(ErrorCode.MISSING_NAME_ID, "NameID outside the own domain");
              }
            },
            ErrorCode.MISSING_NAME_ID);
    List<ResponseRule> order = new ArrayList<>(ResponseRules.ORDER);
    order.add(indexOf("all-passed"), ownDomain);
    ResponseValidator withRule =
        new ResponseValidator(policy(), id -> Optional.of(fx.registration), order);
    ResponseValidator standard =
        new ResponseValidator(policy(), id -> Optional.of(fx.registration));
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).build();

    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class,
            () -> withRule.validate(response, List.of(flow.pending())));
    VerifiedAssertion accepted = standard.validate(response, List.of(flow.pending()));

    assertThat(e.failures())
        .extracting(ValidationFailure::code)
        .contains(ErrorCode.MISSING_NAME_ID);
    assertThat(accepted.nameId()).doesNotEndWith("@cloudsign.example");
  }

  @Test
  void validateLooksUpTrustedKeysAtEachValidationNotAtStartUp() throws Exception {
    // Entra lists two certificates and signs with the second (an activated rollover certificate).
    FakeEntra entra =
        FakeEntra.builder()
            .clock(clock)
            .signingCertificateCount(2)
            .activeCertificateIndex(1)
            .build();
    AtomicReference<TrustedKeys> trusted =
        new AtomicReference<>(TrustedKeys.of(List.of(entra.signingCertificates().get(0))));
    Registration registration =
        Registration.builder("contoso")
            .entityId(Fixture.ENTITY_ID)
            .replyUrl(Fixture.REPLY_URL)
            .identityProvider(IdentityProvider.fromMetadata(entra.metadataXml()))
            .keySource(trusted::get)
            .build();
    ServiceProvider sp = ServiceProvider.builder().registration(registration).clock(clock).build();

    SignInRequest request = sp.startSignIn("contoso", null);
    PendingRequest first = request.pending();
    String signedBySecond =
        entra.respondTo(entra.parseRedirect(request.redirectUrl().toString())).build();
    SamlValidationException before =
        catchThrowableOfType(
            SamlValidationException.class, () -> sp.validate(signedBySecond, first));
    trusted.set(TrustedKeys.of(entra.signingCertificates()));
    VerifiedAssertion after = sp.validate(signedBySecond, first);

    assertThat(before.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    assertThat(after.inResponseTo()).isEqualTo(first.requestId());
  }

  @Test
  void trustedKeysBuildTheirVerifierOncePerPolicy() {
    TrustedKeys keys = TrustedKeys.of(fake.entra().signingCertificates());

    assertThat(keys.verifier(false)).isSameAs(keys.verifier(false));
    assertThat(keys.verifier(true)).isSameAs(keys.verifier(true)).isNotSameAs(keys.verifier(false));
  }

  private ValidationPolicy policy() {
    return new ValidationPolicy(
        clock,
        Duration.ofMinutes(3),
        Duration.ofMinutes(5),
        256 * 1024,
        false,
        new InMemoryReplayCache(100, clock));
  }

  private static int indexOf(String name) {
    for (int i = 0; i < ResponseRules.ORDER.size(); i++) {
      if (ResponseRules.ORDER.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("no rule " + name);
  }

  /** "name [code, code]" for each row of the README's rule table, in order. */
  private static List<String> readmeRuleRows() throws IOException {
    String readme = Files.readString(readme());
    String section = readme.substring(readme.indexOf("### What a Response must pass"));
    section = section.substring(0, section.indexOf("### Error codes"));
    List<String> rows = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^\\| \\d+ \\| `([a-z-]+)` \\|.*\\| ([^|]*) \\|$").matcher(section);
    while (m.find()) {
      List<String> codes = new ArrayList<>();
      Matcher id = Pattern.compile("`([a-z_0-9]+)`").matcher(m.group(2));
      while (id.find()) {
        codes.add(id.group(1));
      }
      rows.add(m.group(1) + " " + codes);
    }
    return rows;
  }

  private static Path readme() {
    Path p = Path.of("README.md").toAbsolutePath();
    return Files.exists(p) ? p : Path.of("..", "README.md");
  }
}
