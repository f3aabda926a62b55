package io.cloudsign.saml.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * One of the filter's own addresses (sign-in start, Reply URL, SP metadata, logout): it answers the
 * request completely; the application behind the filter never sees it. Thread-safe.
 */
interface Endpoint {
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
}
