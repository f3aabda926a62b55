package io.cloudsign.saml.example;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SP's own key pair from {@code --sp-key} and {@code --sp-cert} (PEM): it signs AuthnRequests
 * and decrypts Entra's encrypted assertions. Every problem is a one-line message naming the option.
 */
record SpKey(PrivateKey privateKey, X509Certificate certificate) {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** Reads both files; a problem names the option and the file. */
  static SpKey read(String keyFile, String certFile) {
    X509Certificate cert = certificate(certFile);
    PrivateKey key = privateKey(keyFile);
    if (!(key instanceof RSAPrivateKey rsa)
        || !(cert.getPublicKey() instanceof RSAPublicKey pub)
        || !pub.getModulus().equals(rsa.getModulus())) {
      throw new IllegalArgumentException(
          "--sp-key " + keyFile + " is not the private key of --sp-cert " + certFile);
    }
    if (pub.getModulus().bitLength() < 2048) {
      throw new IllegalArgumentException(
          "--sp-key " + keyFile + " must be an RSA key of at least 2048 bits");
    }
    return new SpKey(key, cert);
  }

  private static X509Certificate certificate(String file) {
    Block b = block("--sp-cert", file);
    if (!b.type().equals("CERTIFICATE")) {
      throw new IllegalArgumentException(
          "--sp-cert " + file + " must be a PEM certificate (BEGIN CERTIFICATE), not " + b.type());
    }
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(b.der()));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("--sp-cert " + file + " is not a valid X.509 certificate");
    }
  }

  private static PrivateKey privateKey(String file) {
    Block b = block("--sp-key", file);
    byte[] pkcs8 =
        switch (b.type()) {
          case "PRIVATE KEY" -> b.der();
          case "RSA PRIVATE KEY" -> pkcs1ToPkcs8(b.der());
          case "ENCRYPTED PRIVATE KEY" ->
              throw new IllegalArgumentException(
                  "--sp-key "
                      + file
                      + " is encrypted; give an unencrypted PEM key (openssl -nodes)");
          default ->
              throw new IllegalArgumentException(
                  "--sp-key " + file + " must be a PEM RSA private key, not " + b.type());
        };
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("--sp-key " + file + " is not a valid RSA private key");
    }
  }

  private record Block(String type, byte[] der) {}

  private static Block block(String option, String file) {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(option + " cannot read " + file);
    }
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(option + " " + file + " is not a PEM file");
    }
    try {
      return new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + file + " is not a PEM file");
    }
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (rsaEncryption, NULL parameters). */
  private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length =
        n < 0x80
            ? new byte[] {(byte) n}
            : n < 0x100
                ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000
                    ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                    : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }
}
