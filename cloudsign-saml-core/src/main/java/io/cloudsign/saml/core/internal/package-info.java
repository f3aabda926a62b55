/** Implementation details of cloudsign-saml-core. Not API: may change in any release. */
package io.cloudsign.saml.core.internal;
