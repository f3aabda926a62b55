/**
 * Implementation of the testkit: XML rendering, canonicalisation and signing, key material, binding
 * codecs. <strong>Not API</strong>: anything here may change in any release.
 */
package io.cloudsign.saml.testkit.internal;
