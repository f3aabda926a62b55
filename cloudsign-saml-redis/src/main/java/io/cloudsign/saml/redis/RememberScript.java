package io.cloudsign.saml.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script of {@link RedisReplayCache#remember} (remember.lua) and its SHA-1 for EVALSHA;
 * {@link #load} and {@link #sha1} serve the other scripts of this package too.
 */
final class RememberScript {
  static final String SOURCE = load("remember.lua");
  static final String SHA1 = sha1(SOURCE);

  private RememberScript() {}

  /** A script of this package's resources. */
  static String load(String name) {
    try (InputStream in = RememberScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from cloudsign-saml-redis");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha1(String source) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
