/**
 * Redis for a cluster of application nodes: a {@link io.cloudsign.saml.core.ReplayCache} ({@link
 * io.cloudsign.saml.redis.RedisReplayCache}) and the filter's session revocations ({@link
 * io.cloudsign.saml.redis.RedisSessionRevocations}, which needs cloudsign-saml-servlet). Words as
 * in {@code io.cloudsign.saml.core} (registration, sign-in, replay cache).
 */
package io.cloudsign.saml.redis;
