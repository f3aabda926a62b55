package io.cloudsign.saml.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
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
 * <p>{@link #withServer()} serves the same fake over HTTP as a {@link FakeEntraServer} (started on
 * first use on a free loopback port, closed after the class's tests): an application under test
 * then loads {@link FakeEntraServer#metadataUrl()} and sends browsers to its login page. With
 * Spring's test context, hand the server's URLs to the application from a
 * {@code @DynamicPropertySource} (its suppliers run when the context starts, after the extension is
 * registered): {@code registry.add("cloudsign.saml.registrations.app.metadata", () ->
 * ENTRA.server().metadataUrl())}. The README's "Use it with Spring Boot" section shows the whole
 * test (compiled in the starter's {@code SpringTestkitExtensionTest}).
 *
 * <p>Thread-safe.
 */
public final class FakeEntraExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {
  private final Consumer<FakeEntra.Builder> configuration;
  private final Instant start;
  private final boolean served;
  private final TestClock clock;
  private volatile FakeEntra entra;
  private volatile FakeEntraServer server;

  private FakeEntraExtension(
      Consumer<FakeEntra.Builder> configuration, Instant start, boolean served) {
    this.configuration = configuration;
    this.start = start;
    this.served = served;
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
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        false);
  }

  /**
   * The same configuration with the clock starting (and reset before each test) at {@code start}.
   */
  public FakeEntraExtension startingAt(Instant start) {
    return new FakeEntraExtension(configuration, Objects.requireNonNull(start, "start"), served);
  }

  /**
   * The same configuration, served over HTTP by {@link #server()}; test methods may then also
   * declare a {@code FakeEntraServer} parameter.
   */
  public FakeEntraExtension withServer() {
    return new FakeEntraExtension(configuration, start, true);
  }

  /**
   * The fake's HTTP server, started on first call (on a free loopback port) and closed after the
   * class's tests.
   *
   * @throws IllegalStateException if the extension was not created {@link #withServer()}
   */
  public FakeEntraServer server() {
    if (!served) {
      throw new IllegalStateException("create the extension withServer() to serve the fake");
    }
    FakeEntraServer s = server;
    if (s == null) {
      synchronized (this) {
        s = server;
        if (s == null) {
          FakeEntra.Builder b = FakeEntra.builder();
          configuration.accept(b);
          s = FakeEntraServer.start(b.clock(clock), 0);
          server = s;
        }
      }
    }
    return s;
  }

  /** The fake, built on first call ({@link #withServer()}: the one its server answers with now). */
  public FakeEntra entra() {
    if (served) {
      return server().entra();
    }
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
  public void afterAll(ExtensionContext context) {
    FakeEntraServer s;
    synchronized (this) {
      s = server;
      server = null;
    }
    if (s != null) {
      s.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == FakeEntra.class
        || type == TestClock.class
        || (served && type == FakeEntraServer.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    Class<?> type = parameterContext.getParameter().getType();
    if (type == FakeEntraServer.class) {
      return server();
    }
    return type == FakeEntra.class ? entra() : clock;
  }
}
