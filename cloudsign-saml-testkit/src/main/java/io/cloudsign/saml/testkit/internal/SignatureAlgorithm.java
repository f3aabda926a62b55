package io.cloudsign.saml.testkit.internal;

/** XML-DSig algorithm pairs the fake can sign with. */
public enum SignatureAlgorithm {
  /** What Entra uses by default. */
  RSA_SHA256(
      "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
      "SHA256withRSA",
      "http://www.w3.org/2001/04/xmlenc#sha256",
      "SHA-256"),
  /** Entra's legacy "SHA-1" signing option: insecure, for negative tests. */
  RSA_SHA1(
      "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
      "SHA1withRSA",
      "http://www.w3.org/2000/09/xmldsig#sha1",
      "SHA-1");

  public final String signatureUri;
  public final String jcaSignature;
  public final String digestUri;
  public final String jcaDigest;

  SignatureAlgorithm(String signatureUri, String jcaSignature, String digestUri, String jcaDigest) {
    this.signatureUri = signatureUri;
    this.jcaSignature = jcaSignature;
    this.digestUri = digestUri;
    this.jcaDigest = jcaDigest;
  }
}
