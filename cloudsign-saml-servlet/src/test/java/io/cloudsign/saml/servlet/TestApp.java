package io.cloudsign.saml.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 (ee10) server on a free loopback port with the filter in front of two small
 * servlets: {@code /*} echoes who is signed in, {@code /public/session} creates a session.
 */
final class TestApp implements AutoCloseable {
  private final Server server;
  private final int port;

  private TestApp(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * @param filterForBaseUrl builds the filter once the base URL ({@code http://localhost:PORT}) is
   *     known
   */
  static TestApp start(Function<String, SamlSsoFilter> filterForBaseUrl) throws Exception {
    return start(filterForBaseUrl, HttpCookie.SameSite.LAX);
  }

  static TestApp start(
      Function<String, SamlSsoFilter> filterForBaseUrl, HttpCookie.SameSite sameSite)
      throws Exception {
    return start(filterForBaseUrl, sameSite, "/");
  }

  /**
   * @param filterForBaseUrl gets {@code http://localhost:PORT} plus the context path
   */
  static TestApp start(
      Function<String, SamlSsoFilter> filterForBaseUrl,
      HttpCookie.SameSite sameSite,
      String contextPath)
      throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    connector.open();
    int port = connector.getLocalPort();
    String baseUrl = "http://localhost:" + port + (contextPath.equals("/") ? "" : contextPath);

    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath(contextPath);
    context.setMaxFormContentSize(1024 * 1024);
    context.getSessionHandler().setSameSite(sameSite);
    context.addFilter(
        new FilterHolder(filterForBaseUrl.apply(baseUrl)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new SessionServlet()), "/public/session");
    context.addServlet(new ServletHolder(new WhoAmIServlet()), "/");
    server.setHandler(context);
    server.start();
    return new TestApp(server, port);
  }

  static TestApp startWithHolder(FilterHolder holder) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new WhoAmIServlet()), "/");
    server.setHandler(context);
    server.start();
    return new TestApp(server, connector.getLocalPort());
  }

  int port() {
    return port;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://localhost:" + port + pathAndQuery);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** Answers "user=NAME principal=CLASS auth=TYPE admin=BOOL nameId=… attr=…". */
  static final class WhoAmIServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain; charset=UTF-8");
      StringBuilder sb = new StringBuilder();
      sb.append("path=").append(req.getRequestURI()).append('\n');
      sb.append("user=").append(req.getRemoteUser()).append('\n');
      sb.append("auth=").append(req.getAuthType()).append('\n');
      sb.append("admin=").append(req.isUserInRole("admin")).append('\n');
      Object attr = req.getAttribute(SamlPrincipal.ATTRIBUTE);
      if (req.getUserPrincipal() instanceof SamlPrincipal p) {
        sb.append("principal=").append(p == attr).append('\n');
        sb.append("nameId=").append(p.nameId()).append('\n');
        sb.append("registration=").append(p.registrationId()).append('\n');
        sb.append("sessionIndex=").append(p.sessionIndex().orElse("")).append('\n');
        sb.append("upn=")
            .append(
                p.attributes()
                    .getOrDefault(
                        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                        java.util.List.of()))
            .append('\n');
      }
      HttpSession s = req.getSession(false);
      sb.append("session=").append(s == null ? "none" : s.getId()).append('\n');
      resp.getWriter().write(sb.toString());
    }
  }

  static final class SessionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      HttpSession s = req.getSession(true);
      s.setAttribute("cart", "3 items");
      resp.setContentType("text/plain");
      resp.getWriter().write(s.getId());
    }
  }
}
