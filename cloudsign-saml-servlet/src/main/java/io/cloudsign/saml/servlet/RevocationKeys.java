package io.cloudsign.saml.servlet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key of a revocation: SHA-256 (hex) of the registration, the NameID and the SessionIndex
 * (absent for a logout of every session of the user), each prefixed with its length. NameIDs are
 * user data: with a separator join, a NameID {@code "x\n_s1"} would be the key of user {@code x}'s
 * session {@code _s1}; the length prefixes make the encoding one-to-one.
 */
final class RevocationKeys {
  private RevocationKeys() {}

  static String of(String registrationId, String nameId, String sessionIndex) {
    String encoded =
        registrationId.length()
            + ":"
            + registrationId
            + "|"
            + nameId.length()
            + ":"
            + nameId
            + (sessionIndex == null ? "" : "|" + sessionIndex.length() + ":" + sessionIndex);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(encoded.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
