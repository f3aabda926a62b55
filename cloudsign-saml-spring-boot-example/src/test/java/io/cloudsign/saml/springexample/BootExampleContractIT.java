package io.cloudsign.saml.springexample;

import io.cloudsign.saml.examplecontract.ExampleAppContract;
import io.cloudsign.saml.examplecontract.ExampleProcess;
import java.nio.file.Path;

/**
 * The plain example's black-box contract, against the Boot example as users run it: the packaged
 * jar ({@code java -jar target/cloudsign-saml-spring-boot-example.jar}), so this runs after {@code
 * package} (failsafe, {@code mvn verify}).
 */
class BootExampleContractIT extends ExampleAppContract {
  static final Path JAR = Path.of("target", "cloudsign-saml-spring-boot-example.jar");

  @Override
  protected ExampleProcess start(String... args) throws Exception {
    return ExampleProcess.jar(JAR, args);
  }
}
