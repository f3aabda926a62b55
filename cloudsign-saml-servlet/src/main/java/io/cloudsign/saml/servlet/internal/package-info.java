/**
 * Implementation details of {@code cloudsign-saml-servlet}: <b>not API</b>. Anything here may
 * change or disappear in any release; do not import it.
 */
package io.cloudsign.saml.servlet.internal;
