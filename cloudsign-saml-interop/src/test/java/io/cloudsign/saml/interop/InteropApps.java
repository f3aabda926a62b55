package io.cloudsign.saml.interop;

import io.cloudsign.saml.example.ExampleApp;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import io.cloudsign.saml.interop.SimpleSamlPhp.RemoteSp;
import java.util.ArrayList;
import java.util.List;

/** The example app as the interop tests start it: one process per test, for one IdP's SP entry. */
final class InteropApps {
  private InteropApps() {}

  /**
   * The example app's main class in its own JVM, listening on the port of {@code sp}'s base URL,
   * with {@code sp}'s entity ID and the IdP metadata at {@code idpMetadataUrl}, plus {@code extra}
   * arguments (such as {@code --sp-key}, {@code --sp-cert}).
   */
  static ExampleProcess start(RemoteSp sp, String idpMetadataUrl, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                sp.baseUrl().substring(sp.baseUrl().lastIndexOf(':') + 1),
                "--base-url",
                sp.baseUrl(),
                "--sp-entity-id",
                sp.entityId(),
                "--idp-metadata",
                idpMetadataUrl));
    args.addAll(List.of(extra));
    return ExampleProcess.mainClass(ExampleApp.class.getName(), args.toArray(String[]::new));
  }
}
