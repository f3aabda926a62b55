package io.cloudsign.saml.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test class one {@link FakeEntra} timed by a {@link TestClock}.
 *
 * <p>Register it on a static field; the fake is built once (on first use) and shared by the class's
 * tests. Before each test the clock is set back to its start instant, so a test that advances it
 * does not disturb the next. Test methods and constructors may also declare {@code FakeEntra} or
 * {@code TestClock} parameters.
 *
 * <pre>{@code
 * class SignInTest {
 *   @RegisterExtension
 *   static final FakeEntraExtension ENTRA =
 *       FakeEntraExtension.configure(b -> b.signingCertificateCount(2));
 *
 *   @Test
 *   void acceptsGenuineResponse(FakeEntra entra, TestClock clock) {
 *     // sign in through the SP under test with entra's Responses, move the clock
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FakeEntraExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private final Consumer<FakeEntra.Builder> configuration;
  private final Instant start;
  private final TestClock clock;
  private volatile FakeEntra entra;

  private FakeEntraExtension(Consumer<FakeEntra.Builder> configuration, Instant start) {
    this.configuration = configuration;
    this.start = start;
    this.clock = TestClock.at(start);
  }

  /** A fake with default settings; the clock starts at the current time (whole milliseconds). */
  public static FakeEntraExtension create() {
    return configure(b -> {});
  }

  /**
   * A fake configured by {@code configuration}. The extension then sets the builder's clock to its
   * own {@link TestClock}.
   */
  public static FakeEntraExtension configure(Consumer<FakeEntra.Builder> configuration) {
    return new FakeEntraExtension(
        Objects.requireNonNull(configuration, "configuration"),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * The same configuration with the clock starting (and reset before each test) at {@code start}.
   */
  public FakeEntraExtension startingAt(Instant start) {
    return new FakeEntraExtension(configuration, Objects.requireNonNull(start, "start"));
  }

  /** The fake, built on first call. */
  public FakeEntra entra() {
    FakeEntra e = entra;
    if (e == null) {
      synchronized (this) {
        e = entra;
        if (e == null) {
          FakeEntra.Builder b = FakeEntra.builder();
          configuration.accept(b);
          e = b.clock(clock).build();
          entra = e;
        }
      }
    }
    return e;
  }

  /** The clock the fake uses; give it to the code under test too. */
  public TestClock clock() {
    return clock;
  }

  /** The instant the clock is reset to before each test. */
  public Instant startInstant() {
    return start;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    entra();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    clock.set(start);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == FakeEntra.class || type == TestClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == FakeEntra.class ? entra() : clock;
  }
}
