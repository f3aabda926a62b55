package io.cloudsign.saml.bench;

import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.PendingRequest;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.VerifiedAssertion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;

/**
 * One cold start, in its own JVM: loads the fixture {@link ColdStart} wrote, builds the service
 * provider as an application would (metadata, registration, OpenSAML bootstrap), validates the
 * Response once and prints the wall-clock instants (epoch µs) at which {@code main} was entered and
 * the validation succeeded, and the CPU time the process had used by then (all threads: JIT, GC).
 * Uses only core's public API (no testkit class is loaded).
 */
public final class ColdStartChild {
  static final String PREFIX = "COLDSTART ";

  private ColdStartChild() {}

  public static void main(String[] args) throws Exception {
    long main = epochMicros();
    String nameId = validateFixture(Path.of(args[0])).nameId();
    long validated = epochMicros();
    if (!nameId.equals("B.Simon@contoso.com")) {
      throw new IllegalStateException("unexpected NameID " + nameId);
    }
    long cpuMicros =
        ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1000).orElse(-1L);
    System.out.println(PREFIX + main + " " + validated + " " + cpuMicros);
  }

  static long epochMicros() {
    Instant now = Clock.systemUTC().instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /** Loads a written fixture and validates it once. */
  static VerifiedAssertion validateFixture(Path dir) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve("pending.properties"))) {
      p.load(in);
    }
    String metadata = Files.readString(dir.resolve("metadata.xml"), StandardCharsets.UTF_8);
    String response = Files.readString(dir.resolve("response.b64"), StandardCharsets.US_ASCII);
    Registration registration =
        Registration.builder(BenchFixture.REGISTRATION)
            .entityId(BenchFixture.ENTITY_ID)
            .replyUrl(BenchFixture.REPLY_URL)
            .identityProvider(IdentityProvider.fromMetadata(metadata))
            .build();
    ServiceProvider sp =
        ServiceProvider.builder()
            .registration(registration)
            .clock(Clock.fixed(Instant.parse(p.getProperty("now")), ZoneOffset.UTC))
            .build();
    String relay = p.getProperty("relayState");
    PendingRequest pending =
        PendingRequest.of(
            p.getProperty("registrationId"),
            p.getProperty("requestId"),
            Instant.parse(p.getProperty("issuedAt")),
            Instant.parse(p.getProperty("expiresAt")),
            relay.isEmpty() ? null : relay);
    return sp.validate(response, pending);
  }
}
