package io.cloudsign.saml.example;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The command line of the example app (its black-box contract). */
record Options(
    int port,
    Optional<String> bind,
    Optional<String> baseUrl,
    Optional<String> idpMetadata,
    Duration metadataRefresh,
    Optional<String> spEntityId,
    Optional<Path> usersFile,
    String sessionSameSite,
    Optional<SpKey> spKey,
    List<byte[]> stateKeys,
    Optional<String> store,
    Optional<String> tenants,
    boolean help) {

  static final String HELP =
      String.join(
          "\n",
          "Usage: java -jar cloudsign-saml-example.jar [options]",
          "",
          "Sign in with Microsoft Entra ID (SAML 2.0). Without --idp-metadata a fake Entra runs",
          "embedded in this process, with a login page where you pick a test user.",
          "",
          "Options:",
          "  --port N                 HTTP port (default 8080; 0 = any free port)",
          "  --bind ADDRESS           address to listen on (default: loopback only, 127.0.0.1",
          "                           and ::1; 0.0.0.0 or :: for every interface)",
          "  --base-url URL           public base URL (default http://localhost:PORT);",
          "                           Reply URL = BASE_URL/saml2/idpresponse",
          "  --idp-metadata PATH_OR_URL",
          "                           Entra's Federation Metadata XML, a file or the App",
          "                           Federation Metadata Url (omitted = embedded fake Entra)",
          "  --metadata-refresh SECONDS",
          "                           how often a metadata URL is fetched again (default 3600;",
          "                           10-86400; also at once, at most every 5 min, when a",
          "                           Response is signed by a certificate not in it yet)",
          "  --sp-entity-id ID        Identifier (Entity ID) (default BASE_URL/saml2/metadata)",
          "  --users PATH             local user table, one 'name active|inactive' per line",
          "                           (default: B.Simon@contoso.com active; with --idp-metadata",
          "                           every user Entra vouches for is provisioned)",
          "  --session-same-site Lax|Strict",
          "                           SameSite of the app's session cookie (default Lax)",
          "  --sp-key PEM_FILE        the app's RSA private key (PEM, unencrypted); with",
          "  --sp-cert PEM_FILE       its certificate: signs AuthnRequests (Entra's Require",
          "                           verification certificates) and decrypts encrypted",
          "                           assertions (Entra's Token encryption); both are then in",
          "                           /saml2/metadata (use=signing, use=encryption). Both or",
          "                           neither.",
          "  --state-key BASE64[,BASE64...]",
          "                           the state cookie key, the same on every node (at least",
          "                           32 bytes, e.g. openssl rand -base64 32); more keys after",
          "                           a comma are earlier ones still accepted after a rotation",
          "                           (default: random per start, with a WARN)",
          "  --store URL              the replay cache every node shares (used assertions and",
          "                           answered requests) and the sessions IdP-initiated",
          "                           logouts ended, on every node (default: in this process",
          "                           only): jdbc:postgresql://HOST:PORT/DB?user=...&password=...",
          "                           (tables saml_replay_cache, saml_session_revocations,",
          "                           created when missing) or redis://HOST:PORT (rediss:// for",
          "                           TLS). A store that cannot be reached at start stops the",
          "                           app (exit 1); an outage later refuses sign-ins",
          "                           (replay_cache_unavailable) and signed-in requests",
          "                           (session_check_unavailable, 503) within seconds until",
          "                           the store is back",
          "  --tenants jdbc:postgresql://HOST:PORT/DB?user=U&password=P",
          "                           customer tenants read from the table saml_registrations",
          "                           (created at start when missing) instead of --idp-metadata:",
          "                           one row per tenant, added, changed or removed while the",
          "                           app runs (on every node within 30 s); sign in at",
          "                           /login?tenant=ID; every user Entra vouches for is",
          "                           provisioned in their tenant. A database that cannot be",
          "                           reached at start stops the app (exit 1); later, sign-ins",
          "                           fail with registration_unavailable until it is back",
          "  --help                   show this help",
          "");

  static Options parse(String... args) {
    int port = 8080;
    String bind = null;
    String baseUrl = null;
    String idpMetadata = null;
    Duration metadataRefresh = Duration.ofHours(1);
    String spEntityId = null;
    Path users = null;
    String sameSite = "Lax";
    String spKeyFile = null;
    String spCertFile = null;
    List<byte[]> stateKeys = List.of();
    String store = null;
    String tenants = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--port" -> {
          String v = value != null ? value : next(args, ++i, name);
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number: " + v);
          }
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535: " + v);
          }
        }
        case "--bind" -> {
          bind = value != null ? value : next(args, ++i, name);
          if (bind.isBlank() || bind.contains("/") || bind.contains(" ")) {
            throw new IllegalArgumentException(
                "--bind must be an IP address or host name: " + bind);
          }
        }
        case "--base-url" -> baseUrl = value != null ? value : next(args, ++i, name);
        case "--idp-metadata" -> idpMetadata = value != null ? value : next(args, ++i, name);
        case "--metadata-refresh" -> {
          String v = value != null ? value : next(args, ++i, name);
          long seconds;
          try {
            seconds = Long.parseLong(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "--metadata-refresh must be a number of seconds: " + v);
          }
          if (seconds < 10 || seconds > 86_400) {
            throw new IllegalArgumentException(
                "--metadata-refresh must be between 10 and 86400 seconds: " + v);
          }
          metadataRefresh = Duration.ofSeconds(seconds);
        }
        case "--sp-entity-id" -> spEntityId = value != null ? value : next(args, ++i, name);
        case "--users" -> users = Path.of(value != null ? value : next(args, ++i, name));
        case "--sp-key" -> spKeyFile = value != null ? value : next(args, ++i, name);
        case "--sp-cert" -> spCertFile = value != null ? value : next(args, ++i, name);
        case "--state-key" -> stateKeys = stateKeys(value != null ? value : next(args, ++i, name));
        case "--store" -> {
          store = value != null ? value : next(args, ++i, name);
          Store.checkSyntax(store);
        }
        case "--tenants" -> tenants = value != null ? value : next(args, ++i, name);
        case "--session-same-site" -> {
          String v = (value != null ? value : next(args, ++i, name)).toLowerCase(Locale.ROOT);
          sameSite =
              switch (v) {
                case "lax" -> "Lax";
                case "strict" -> "Strict";
                default ->
                    throw new IllegalArgumentException(
                        "--session-same-site must be Lax or Strict: " + v);
              };
        }
        default -> throw new IllegalArgumentException("unknown option: " + a + " (see --help)");
      }
    }
    if (baseUrl != null) {
      URI u;
      try {
        u = URI.create(baseUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--base-url is not a URL: " + baseUrl);
      }
      if (!u.isAbsolute() || u.getHost() == null || u.getRawQuery() != null) {
        throw new IllegalArgumentException("--base-url must be an absolute URL: " + baseUrl);
      }
      while (baseUrl.endsWith("/")) {
        baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
      }
    }
    if ((spKeyFile == null) != (spCertFile == null)) {
      throw new IllegalArgumentException(
          (spKeyFile == null ? "--sp-cert needs --sp-key" : "--sp-key needs --sp-cert")
              + " (the key and its certificate go together)");
    }
    if (tenants != null) {
      checkTenants(tenants, idpMetadata, spEntityId, users);
    }
    SpKey spKey = spKeyFile == null ? null : SpKey.read(spKeyFile, spCertFile);
    return new Options(
        port,
        Optional.ofNullable(bind),
        Optional.ofNullable(baseUrl),
        Optional.ofNullable(idpMetadata),
        metadataRefresh,
        Optional.ofNullable(spEntityId),
        Optional.ofNullable(users),
        sameSite,
        Optional.ofNullable(spKey),
        stateKeys,
        Optional.ofNullable(store),
        Optional.ofNullable(tenants),
        help);
  }

  /** {@code --tenants}: a PostgreSQL JDBC URL; the tenants' rows replace the one registration. */
  private static void checkTenants(
      String tenants, String idpMetadata, String spEntityId, Path users) {
    if (!tenants.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "--tenants takes a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB?user=…)");
    }
    String other =
        idpMetadata != null
            ? "--idp-metadata"
            : spEntityId != null ? "--sp-entity-id" : users != null ? "--users" : null;
    if (other != null) {
      throw new IllegalArgumentException(
          "--tenants and "
              + other
              + " exclude each other (each tenant's row has its Identifier and Entra metadata)");
    }
  }

  /** {@code --state-key}: base64 keys of at least 32 bytes, the current one first. */
  private static List<byte[]> stateKeys(String value) {
    List<byte[]> keys = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(part.strip());
      } catch (IllegalArgumentException e) {
        key = new byte[0];
      }
      if (key.length < 32) {
        throw new IllegalArgumentException(
            "--state-key takes base64 keys of at least 32 bytes each (openssl rand -base64 32),"
                + " the current one first, comma-separated");
      }
      keys.add(key);
    }
    return List.copyOf(keys);
  }

  private static String next(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value (see --help)");
    }
    return args[i];
  }
}
