/**
 * cloudsign-saml-redis: exports only the API package {@code io.cloudsign.saml.redis}.
 *
 * <p>Lettuce is an automatic module; it is required by its {@code Automatic-Module-Name}.
 */
@SuppressWarnings("requires-automatic") // Lettuce has no module descriptor
module io.cloudsign.saml.redis {
  exports io.cloudsign.saml.redis;

  // In the API: RedisReplayCache implements core's ReplayCache.
  requires transitive io.cloudsign.saml.core;
  // In the API of RedisSessionRevocations only; optional (replay-cache-only users lack it).
  requires static io.cloudsign.saml.servlet;
  requires lettuce.core;
}
