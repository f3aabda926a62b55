/**
 * A {@link io.cloudsign.saml.core.ReplayCache} on Redis for a cluster of application nodes: {@link
 * io.cloudsign.saml.redis.RedisReplayCache}. Words as in {@code io.cloudsign.saml.core}
 * (registration, sign-in, replay cache).
 */
package io.cloudsign.saml.redis;
