package io.cloudsign.saml.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudsign.saml.example.ExampleApp;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import io.cloudsign.saml.testkit.TestUser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load driver over the real example app on Jetty and real HTTP, no timing: every sign-in of a
 * short run is counted and checked (303 to /me, then /me showing B. Simon), and a sign-in the app
 * refuses fails the run instead of counting.
 */
class SignInLoadTest {
  @Test
  void runWhenOneUserSignsInForASecondThenEverySignInReachedMeAndIsCounted() throws Exception {
    int batch = 25;
    String tables;
    SignInLoad.Result r;
    try (SignInProfile profile = new SignInProfile()) {
      r =
          SignInLoad.run(
              "memory", List.of(), 1, Duration.ZERO, Duration.ofSeconds(1), batch, profile);
      tables = profile.tables("test");
    }

    assertEquals("memory", r.store());
    assertEquals(1, r.threads());
    assertTrue(r.signIns() >= batch, "at least one batch: " + r.signIns());
    assertEquals(0, r.signIns() % batch, "whole batches, each sign-in of each counted once");
    assertTrue(r.postsPerSecond() > 0 && r.signInsPerSecond() < r.postsPerSecond(), r.toString());
    assertTrue(r.postP50Micros() <= r.postP99Micros(), r.toString());
    // Jetty's threads did the POSTs' server work, and it is counted per POST.
    assertTrue(r.postServerCpuMicros() > 0, r.toString());
    assertTrue(tables.contains("| Jetty threads"), tables);
    assertTrue(tables.contains("JFR execution samples in the measured phases, test"), tables);
  }

  @Test
  void measureWhenTheIdpSignsWithAKeyTheAppDoesNotTrustThenTheRunFails() throws Exception {
    try (FakeEntraServer trusted =
            FakeEntraServer.start(FakeEntra.builder().user(TestUser.bSimon()));
        ExampleApp app = ExampleApp.start("--port", "0", "--idp-metadata", trusted.metadataUrl());
        VirtualUsers users = new VirtualUsers(1)) {
      SignInLoad load = new SignInLoad(app, FakeEntra.builder().build());

      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> load.measure("memory", users, Duration.ZERO, Duration.ofMillis(100), 5, null));

      assertTrue(
          e.getCause().getMessage().startsWith("POST /saml2/idpresponse answered 4"),
          e.getCause().getMessage());
    }
  }
}
