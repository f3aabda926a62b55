package io.cloudsign.saml.servlet;

import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.RegistrationUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /saml2/metadata} (the only registration) or {@code /saml2/metadata/<registration id>}:
 * the SP metadata XML to upload to Entra, as {@code application/samlmetadata+xml}, or {@code
 * application/xml} for a browser (so it is shown, not downloaded). Other methods 405, unknown
 * registrations 404.
 */
final class MetadataEndpoint implements Endpoint {
  private final FilterSettings s;

  MetadataEndpoint(FilterSettings settings) {
    this.s = settings;
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!Requests.isSafeMethod(request)) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      return;
    }
    String rest = Requests.pathInContext(request).substring(s.metadataPath.length());
    Optional<Registration> reg;
    String xml;
    try {
      reg = registration(rest);
      xml = reg.isEmpty() ? null : s.serviceProvider.metadata(reg.get().id());
    } catch (RegistrationUnavailableException e) {
      response.setHeader("Retry-After", "30");
      response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      return;
    }
    if (reg.isEmpty()) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    response.setStatus(HttpServletResponse.SC_OK);
    // A browser would download the registered SAML metadata type; as XML it shows the document
    // (an admin checking it before the upload to Entra). Tools get the registered type.
    String accept = request.getHeader("Accept");
    boolean browser = accept != null && accept.contains("text/html");
    response.setContentType(
        (browser ? "application/xml" : "application/samlmetadata+xml") + "; charset=UTF-8");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(
        "Content-Disposition", "inline; filename=\"" + reg.get().id() + "-sp-metadata.xml\"");
    response.getOutputStream().write(xml.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code ""}: the only registration; {@code "/id"}: that one. */
  private Optional<Registration> registration(String rest) {
    if (!rest.isEmpty()) {
      return s.serviceProvider.registration(rest.substring(1));
    }
    return s.serviceProvider.registrations().size() == 1
        ? Optional.of(s.serviceProvider.registrations().iterator().next())
        : Optional.empty();
  }
}
