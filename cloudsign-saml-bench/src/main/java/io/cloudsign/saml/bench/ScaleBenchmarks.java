package io.cloudsign.saml.bench;

import io.cloudsign.saml.core.InMemoryRegistrationRepository;
import io.cloudsign.saml.core.RegistrationRecord;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.SamlValidationException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.TenantRegistrations;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.testkit.TestClock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validation of a held tenant's Response while the registration repository holds 10, 10,000 or
 * 100,000 rows (issue 14, "Scale measured"): the cost must not grow with the number of tenants.
 * Same work per operation as {@link SamlBenchmarks#cloudsign_validate} (a fresh Response from a
 * pool of distinct signed ones, replay cache on), the tenant found through {@link
 * TenantRegistrations} in front of an {@link InMemoryRegistrationRepository}. Run: {@code java -jar
 * cloudsign-saml-bench/target/benchmarks.jar ScaleBenchmarks}, or {@link ScaleReport}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 2) // as SamlBenchmarks: validate reaches its plateau at 12-14 s
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class ScaleBenchmarks {
  /** At most how many tenants the node holds (TenantRegistrations' default maxCached). */
  static final int MAX_CACHED = 1000;

  /** How many tenants the setup loads at most ({@code -Dbench.scaleHeld}, to tell apart). */
  static final int HELD = Integer.getInteger("bench.scaleHeld", MAX_CACHED);

  /**
   * {@link SamlBenchmarks.ValidateState} with its tenant ({@link BenchFixture#REGISTRATION}) as one
   * row among {@link #rows}. Before measuring, the node loads {@code min(rows, 1000)} tenants (its
   * default {@code maxCached}), so it holds what a busy node holds; the other rows share one
   * metadata string and are never read. The clock stands still: the held tenant is never re-checked
   * against its row (a real node does one version lookup per tenant every 30 s).
   */
  @State(Scope.Benchmark)
  public static class TenantsValidateState extends SamlBenchmarks.ValidateState {
    @Param({"10", "10000", "100000"})
    public int rows;

    TenantRegistrations tenants;

    @Override
    ServiceProvider serviceProvider(BenchFixture f, TestClock clock, ReplayCache replayCache) {
      InMemoryRegistrationRepository repository = new InMemoryRegistrationRepository();
      String otherMetadata = f.entra.metadataXml();
      for (int i = 1; i < rows; i++) {
        repository.put(ScaleTenants.xmlRow(String.format("t%06d", i), otherMetadata));
      }
      repository.put(
          RegistrationRecord.withMetadataXml(
              BenchFixture.REGISTRATION,
              BenchFixture.ENTITY_ID,
              BenchFixture.REPLY_URL,
              null,
              f.entra.metadataXml()));
      tenants = TenantRegistrations.builder(repository).clock(clock).maxCached(MAX_CACHED).build();
      ServiceProvider sp =
          ServiceProvider.builder().tenants(tenants).clock(clock).replayCache(replayCache).build();
      for (int i = 1; i < Math.min(rows, HELD); i++) {
        SamlBenchmarks.check(
            sp.registration(String.format("t%06d", i)).isPresent(), "filler tenant " + i);
      }
      SamlBenchmarks.check(
          sp.registration(BenchFixture.REGISTRATION).isPresent(), "tenant found in the repository");
      SamlBenchmarks.check(sp.registrations().isEmpty(), "no registration given to the builder");
      SamlBenchmarks.check(
          tenants.heldCount() == Math.min(rows, HELD), "held: " + tenants.heldCount());
      return sp;
    }

    @TearDown
    public void tearDown() {
      tenants.close();
    }
  }

  @Benchmark
  public VerifiedAssertion tenants_validate(TenantsValidateState s) throws SamlValidationException {
    return s.validateNext();
  }
}
