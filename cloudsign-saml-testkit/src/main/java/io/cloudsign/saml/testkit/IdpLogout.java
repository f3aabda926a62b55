package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.SessionBook.SignedIn;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Entra's front channel of single logout, for {@link FakeEntraServer}: when a user signs out at
 * Entra (its {@code oauth2/logout} page, or a LogoutRequest from one of the apps), the browser is
 * sent by HTTP-Redirect with a LogoutRequest to each other app of the user's session that has a
 * Logout Url, one after the other; each app's LogoutResponse comes back to Entra's logout URL and
 * is checked before the next app, and at the end Entra shows "signed out" (or, for a LogoutRequest
 * from an app, sends that app its LogoutResponse). Thread-safe.
 */
final class IdpLogout {
  /** The LogoutResponse answers no LogoutRequest this fake sent (or one already answered). */
  static final String UNKNOWN_REQUEST = "logout_response_unknown_request";

  /** The LogoutResponse's Issuer is not the Identifier of the app the request went to. */
  static final String WRONG_ISSUER = "logout_response_wrong_issuer";

  /** The LogoutResponse's Destination is present and not Entra's logout URL. */
  static final String WRONG_DESTINATION = "logout_response_wrong_destination";

  /** The LogoutResponse is signed, but not by a key of the app's verification certificates. */
  static final String BAD_SIGNATURE = "logout_response_bad_signature";

  /** The LogoutResponse's status is not Success. */
  static final String NOT_SUCCESS = "logout_response_not_success";

  private static final int MAX_PENDING = 1000;
  private static final int MAX_RECORDED = 100;

  /**
   * What to answer: a 302 to {@code location}, an error page ({@code code}, {@code message}) or,
   * with neither, the signed-out page.
   */
  record Step(String location, String code, String message) {
    static Step redirect(String location) {
      return new Step(location, null, null);
    }

    static Step error(String code, String message) {
      return new Step(null, code, message);
    }

    static final Step SIGNED_OUT = new Step(null, null, null);
  }

  /** One sign-out at Entra: whose, and where to go when every app is signed out (null: page). */
  private record Flow(String nameId, String then) {}

  private record Pending(Flow flow, SignedIn session) {}

  private final Supplier<FakeEntra> entra;
  private final SessionBook sessions;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Deque<LogoutResponseInfo> received = new ArrayDeque<>();
  private final AtomicReference<List<LogoutAttack>> nextRequest = new AtomicReference<>();
  private final AtomicReference<List<LogoutAttack>> nextResponse = new AtomicReference<>();
  private volatile boolean signRequests;
  private volatile String lastRequestId;

  IdpLogout(Supplier<FakeEntra> entra, SessionBook sessions) {
    this.entra = entra;
    this.sessions = sessions;
  }

  void signRequests(boolean sign) {
    this.signRequests = sign;
  }

  boolean signsRequests() {
    return signRequests;
  }

  void nextRequestWith(LogoutAttack... attacks) {
    List<LogoutAttack> list = LogoutAttack.check(attacks, true);
    if (list.stream().anyMatch(LogoutAttack::needsPreviousRequest) && lastRequestId == null) {
      throw new IllegalStateException(
          "LogoutAttack.REPLAYED repeats the previous IdP-initiated LogoutRequest, and this server"
              + " has sent none yet: sign a user out through signOutUrl first");
    }
    nextRequest.set(list);
  }

  void nextResponseWith(LogoutAttack... attacks) {
    nextResponse.set(LogoutAttack.check(attacks, false));
  }

  /** The attacks for the next LogoutResponse to an SP-initiated logout (consumed), or none. */
  List<LogoutAttack> takeResponseAttacks() {
    List<LogoutAttack> list = nextResponse.getAndSet(null);
    return list == null ? List.of() : list;
  }

  List<LogoutResponseInfo> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The user signs out at Entra: their apps with a Logout Url get a LogoutRequest each. */
  Step signOut(String nameId) {
    endSessionsWithoutLogoutUrl(nameId);
    return next(new Flow(nameId, null));
  }

  /**
   * App {@code application} sent an SP-initiated LogoutRequest for {@code nameId} and Entra's
   * answer is {@code answerUrl}: the user's other apps are signed out first, then the browser goes
   * there.
   */
  Step afterSpLogout(String application, String nameId, String answerUrl) {
    sessions.signedOut(nameId, application);
    endSessionsWithoutLogoutUrl(nameId);
    return next(new Flow(nameId, answerUrl));
  }

  /** An app's LogoutResponse arrived (GET to Entra's logout URL): check it, then the next app. */
  Step receive(String rawQuery) {
    LogoutResponseInfo info;
    try {
      info = LogoutResponseInfo.fromRedirect(rawQuery);
    } catch (IllegalArgumentException e) {
      return Step.error("AADSTS75005", "The request is not a valid Saml2 protocol message.");
    }
    synchronized (received) {
      received.addLast(info);
      while (received.size() > MAX_RECORDED) {
        received.removeFirst();
      }
    }
    Pending p;
    synchronized (pending) {
      p = info.inResponseTo() == null ? null : pending.remove(info.inResponseTo());
    }
    if (p == null) {
      return Step.error(
          UNKNOWN_REQUEST,
          "The LogoutResponse answers no LogoutRequest this fake Entra sent (InResponseTo '"
              + info.inResponseTo()
              + "'), or one already answered.");
    }
    String[] problem = problem(info, p.session().application());
    if (problem != null) {
      return Step.error(problem[0], problem[1]);
    }
    sessions.signedOut(p.session().nameId(), p.session().application());
    return next(p.flow());
  }

  /** {code, message} of the first check {@code info} fails, or null. */
  private String[] problem(LogoutResponseInfo info, String application) {
    FakeEntra now = entra.get();
    if (!application.equals(info.issuer())) {
      return new String[] {
        WRONG_ISSUER,
        "The LogoutResponse's Issuer '"
            + info.issuer()
            + "' is not the Identifier of the application the LogoutRequest went to ('"
            + application
            + "')."
      };
    }
    if (info.destination() != null && !info.destination().equals(now.sloUrl())) {
      return new String[] {
        WRONG_DESTINATION,
        "The LogoutResponse's Destination '"
            + info.destination()
            + "' is not Entra's logout URL '"
            + now.sloUrl()
            + "'."
      };
    }
    List<X509Certificate> certificates = now.requestVerificationCertificates();
    if (info.signed()
        && !certificates.isEmpty()
        && certificates.stream().noneMatch(info::isSignedBy)) {
      return new String[] {
        BAD_SIGNATURE,
        "The LogoutResponse's signature does not verify (RSA-SHA256 over the query as received)"
            + " with the application's verification certificates."
      };
    }
    if (!LogoutResponseBuilder.STATUS_SUCCESS.equals(info.statusCode())) {
      return new String[] {
        NOT_SUCCESS, "The application answered with status '" + info.statusCode() + "'."
      };
    }
    return null;
  }

  /** The next app of the flow's user gets its LogoutRequest; none left: the flow's end. */
  private Step next(Flow flow) {
    FakeEntra now = entra.get();
    SignedIn s =
        sessions.of(flow.nameId()).stream()
            .filter(x -> now.logoutUrlOf(x.application()).isPresent())
            .findFirst()
            .orElse(null);
    if (s == null) {
      return flow.then() != null ? Step.redirect(flow.then()) : Step.SIGNED_OUT;
    }
    IdpLogoutRequestBuilder b =
        now.logoutRequest(s.application(), s.nameId()).nameIdFormat(s.nameIdFormat());
    if (s.sessionIndex() != null) {
      b.sessionIndex(s.sessionIndex());
    }
    List<LogoutAttack> attacks = Objects.requireNonNullElse(nextRequest.getAndSet(null), List.of());
    LogoutAttack.applyToRequest(
        attacks, b, new LogoutAttack.Context(lastRequestId, now.clock().instant()), signRequests);
    String url = b.redirectUrl();
    synchronized (pending) {
      pending.put(b.id(), new Pending(flow, s));
      var it = pending.keySet().iterator();
      while (pending.size() > MAX_PENDING && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    lastRequestId = b.id();
    return Step.redirect(url);
  }

  /** Entra's session ends: apps it cannot reach by front channel just lose it. */
  private void endSessionsWithoutLogoutUrl(String nameId) {
    FakeEntra now = entra.get();
    for (SignedIn s : sessions.of(nameId)) {
      if (now.logoutUrlOf(s.application()).isEmpty()) {
        sessions.signedOut(s.nameId(), s.application());
      }
    }
  }
}
