package io.cloudsign.saml.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A loopback listener that records every connection made to it: the target of entity, DTD, XInclude
 * and XSLT URLs in the corpus. A connection that completed during a validation waits in the accept
 * queue, so {@link #connections()} sees it without timing assumptions.
 */
final class Canary implements AutoCloseable {
  private final ServerSocket socket;
  private int connections;

  Canary() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(100);
  }

  String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/" + path;
  }

  /** Connections made so far (drains the accept queue). */
  int connections() throws IOException {
    while (true) {
      try (Socket s = socket.accept()) {
        connections++;
      } catch (SocketTimeoutException none) {
        return connections;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
