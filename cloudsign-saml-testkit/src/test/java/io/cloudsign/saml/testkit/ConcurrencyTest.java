package io.cloudsign.saml.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ConcurrencyTest {
  @Test
  void oneFakeBuildsDistinctValidResponsesFromManyThreadsAtOnce() throws Exception {
    FakeEntra entra = FakeEntra.create();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> jobs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        int n = i;
        jobs.add(
            () -> {
              ResponseBuilder b =
                  entra
                      .response()
                      .inResponseTo("_req-" + n)
                      .destination("https://sp.example.com/acs")
                      .audience("urn:sp");
              if (n % 3 == 1) {
                b.signResponse();
              } else if (n % 3 == 2) {
                b.signResponseAndAssertion();
              }
              return b.buildXml() + "\n" + entra.metadataXml();
            });
      }
      Set<String> assertionIds = new HashSet<>();
      for (Future<String> f : pool.invokeAll(jobs)) {
        String[] parts = f.get().split("\n", 2);
        assertThat(parts[1]).isEqualTo(entra.metadataXml());
        Document doc = Dsig.parse(parts[0]);
        boolean assertionOk =
            Dsig.signatureOf(Dsig.assertion(doc)) == null
                || Dsig.verifies(Dsig.assertion(doc), entra.signingCertificate());
        boolean responseOk =
            Dsig.signatureOf(Dsig.response(doc)) == null
                || Dsig.verifies(Dsig.response(doc), entra.signingCertificate());
        assertThat(assertionOk && responseOk).isTrue();
        assertThat(assertionIds.add(Dsig.assertion(doc).getAttribute("ID"))).isTrue();
      }
      assertThat(assertionIds).hasSize(64);
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
