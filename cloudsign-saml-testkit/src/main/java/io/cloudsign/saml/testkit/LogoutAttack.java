package io.cloudsign.saml.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One hostile change to a single-logout message of {@link FakeEntraServer}, as a value (as {@link
 * Attack} is for Responses): {@link FakeEntraServer#nextIdpLogoutWith} applies it to the next
 * IdP-initiated LogoutRequest the fake sends, {@link FakeEntraServer#answerNextLogoutWith} to the
 * next LogoutResponse it answers an SP-initiated logout with. Each attack is one option of {@link
 * IdpLogoutRequestBuilder} or {@link LogoutResponseBuilder} (never a copy of their code) and keeps
 * the rest of Entra's genuine message; each says what a correct SP does with it. The error codes
 * named are cloudsign-saml-core's {@code LogoutErrorCode} ids; other SPs have their own names.
 *
 * <p>An attack is for a LogoutRequest, a LogoutResponse or both (its javadoc says which); giving it
 * to the other side, giving two attacks that both choose the signature, or one attack twice throws
 * {@link IllegalArgumentException} at once, not on the server's thread.
 *
 * <p>Immutable and thread-safe; compared by identity (one constant per attack).
 *
 * <pre>{@code
 * idp.nextIdpLogoutWith(LogoutAttack.SIGNED_BY_ANOTHER_KEY);
 * String url = idp.signOutUrl("bsimon@contoso.com"); // the SP under test must refuse it
 * }</pre>
 */
public final class LogoutAttack {
  /** The Issuer {@link #WRONG_ISSUER} writes: Entra's logout issuer of another tenant. */
  public static final String WRONG_LOGOUT_ISSUER =
      "https://login.microsoftonline.com/" + Attack.OTHER_TENANT_ID + "/";

  /** The Destination {@link #WRONG_DESTINATION} writes: another application's Logout Url. */
  public static final String WRONG_LOGOUT_URL = "https://another-app.example.com/saml2/logout";

  /** How far in the past {@link #EXPIRED} puts NotOnOrAfter: beyond any skew an SP allows. */
  private static final Duration WELL_BEYOND_SKEW = Duration.ofMinutes(15);

  /**
   * Request and response: the Issuer is {@link #WRONG_LOGOUT_ISSUER} (another tenant), the
   * signature (when signed) is genuine. Expect {@code logout_invalid_issuer}.
   */
  public static final LogoutAttack WRONG_ISSUER =
      new LogoutAttack(
          "WRONG_ISSUER",
          (b, c) -> b.issuer(WRONG_LOGOUT_ISSUER),
          r -> r.issuer(WRONG_LOGOUT_ISSUER),
          null);

  /**
   * Request only: sent without {@code SigAlg}/{@code Signature} even when the server signs its
   * LogoutRequests ({@link FakeEntraServer#signLogoutRequests}). An SP that requires signed
   * LogoutRequests refuses it: expect {@code logout_unsigned}.
   */
  public static final LogoutAttack UNSIGNED =
      new LogoutAttack("UNSIGNED", (b, c) -> {}, null, Signature.NONE);

  /**
   * Request and response: signed with the active key over the query parameters in another order
   * than the URL's ({@link IdpLogoutRequestBuilder#signatureOverReorderedQuery()}). Expect {@code
   * logout_invalid_signature}.
   */
  public static final LogoutAttack SIGNATURE_OVER_REORDERED_QUERY =
      new LogoutAttack(
          "SIGNATURE_OVER_REORDERED_QUERY",
          (b, c) -> b.signatureOverReorderedQuery(),
          LogoutResponseBuilder::signatureOverReorderedQuery,
          Signature.HOSTILE);

  /**
   * Request and response: laid out and signed correctly, by a key the fake does not publish ({@link
   * IdpLogoutRequestBuilder#signedByAnotherKey()}). Expect {@code logout_invalid_signature}.
   */
  public static final LogoutAttack SIGNED_BY_ANOTHER_KEY =
      new LogoutAttack(
          "SIGNED_BY_ANOTHER_KEY",
          (b, c) -> b.signedByAnotherKey(),
          LogoutResponseBuilder::signedByAnotherKey,
          Signature.HOSTILE);

  /**
   * Request only: the {@code ID} of the previous IdP-initiated LogoutRequest this server sent,
   * again (freshly signed, as a replaying attacker cannot, but an SP must refuse it on the ID
   * alone). Expect {@code logout_replayed}. Needs an earlier IdP-initiated logout through this
   * server.
   */
  public static final LogoutAttack REPLAYED =
      new LogoutAttack("REPLAYED", (b, c) -> b.id(c.previousRequestId()), null, null);

  /**
   * Request only: {@code NotOnOrAfter} 15 minutes in the past (the fake's clock), beyond any clock
   * skew. Expect {@code logout_expired}.
   */
  public static final LogoutAttack EXPIRED =
      new LogoutAttack(
          "EXPIRED", (b, c) -> b.notOnOrAfter(c.now().minus(WELL_BEYOND_SKEW)), null, null);

  /**
   * Request and response: {@code Destination} is {@link #WRONG_LOGOUT_URL} (a message addressed to
   * another application), still sent to this application's Logout Url. Expect {@code
   * logout_invalid_destination}.
   */
  public static final LogoutAttack WRONG_DESTINATION =
      new LogoutAttack(
          "WRONG_DESTINATION",
          (b, c) -> b.destination(WRONG_LOGOUT_URL),
          r -> r.destination(WRONG_LOGOUT_URL),
          null);

  /**
   * Response only: {@code InResponseTo} names a LogoutRequest the SP never sent (a new random ID).
   * Expect {@code logout_unknown_request}: the SP must not confirm a logout it did not start.
   */
  public static final LogoutAttack UNKNOWN_IN_RESPONSE_TO =
      new LogoutAttack(
          "UNKNOWN_IN_RESPONSE_TO", null, r -> r.inResponseTo("_" + UUID.randomUUID()), null);

  /** What an attack does to the signature: nothing (null), remove it, or sign in a hostile way. */
  enum Signature {
    NONE,
    HOSTILE
  }

  /** What a request attack may read when it is applied. */
  record Context(String previousRequestId, Instant now) {}

  /** A change to an IdP-initiated LogoutRequest. */
  @FunctionalInterface
  interface RequestChange {
    void apply(IdpLogoutRequestBuilder builder, Context context);
  }

  private final String name;
  private final RequestChange request;
  private final Consumer<LogoutResponseBuilder> response;
  private final Signature signature;

  private LogoutAttack(
      String name,
      RequestChange request,
      Consumer<LogoutResponseBuilder> response,
      Signature signature) {
    this.name = name;
    this.request = request;
    this.response = response;
    this.signature = signature;
  }

  /** Whether this attack changes an IdP-initiated LogoutRequest. */
  public boolean appliesToLogoutRequest() {
    return request != null;
  }

  /** Whether this attack changes the LogoutResponse to an SP-initiated logout. */
  public boolean appliesToLogoutResponse() {
    return response != null;
  }

  /**
   * {@code true} when this attack needs an earlier IdP-initiated LogoutRequest ({@link #REPLAYED}).
   */
  boolean needsPreviousRequest() {
    return this == REPLAYED;
  }

  /**
   * Applies the request attacks to {@code builder}, then signs it as the server would ({@code
   * serverSigns}) unless an attack chose the signature.
   */
  static void applyToRequest(
      List<LogoutAttack> attacks,
      IdpLogoutRequestBuilder builder,
      Context context,
      boolean serverSigns) {
    boolean signatureChosen = false;
    for (LogoutAttack a : attacks) {
      a.request.apply(builder, context);
      signatureChosen |= a.signature != null;
    }
    if (serverSigns && !signatureChosen) {
      builder.signed();
    }
  }

  /** Applies the response attacks to {@code builder}. */
  static void applyToResponse(List<LogoutAttack> attacks, LogoutResponseBuilder builder) {
    attacks.forEach(a -> a.response.accept(builder));
  }

  /**
   * Checks that {@code attacks} can be combined on one message of that side.
   *
   * @throws IllegalArgumentException naming the attack that does not fit
   */
  static List<LogoutAttack> check(LogoutAttack[] attacks, boolean onRequest) {
    Objects.requireNonNull(attacks, "attacks");
    if (attacks.length == 0) {
      throw new IllegalArgumentException("give at least one LogoutAttack");
    }
    Set<LogoutAttack> seen = new HashSet<>();
    LogoutAttack signing = null;
    for (LogoutAttack a : attacks) {
      Objects.requireNonNull(a, "attack");
      if (!seen.add(a)) {
        throw new IllegalArgumentException(a + " is given twice");
      }
      if (onRequest ? a.request == null : a.response == null) {
        throw new IllegalArgumentException(
            a
                + (onRequest
                    ? " changes a LogoutResponse: use answerNextLogoutWith"
                    : " changes an IdP-initiated LogoutRequest: use nextIdpLogoutWith"));
      }
      if (a.signature != null) {
        if (signing != null) {
          throw new IllegalArgumentException(
              signing + " and " + a + " cannot be combined: both choose the signature");
        }
        signing = a;
      }
    }
    return List.of(attacks);
  }

  @Override
  public String toString() {
    return "LogoutAttack." + name;
  }
}
