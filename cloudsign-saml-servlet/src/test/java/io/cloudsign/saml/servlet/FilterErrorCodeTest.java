package io.cloudsign.saml.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The filter's own codes: the README's table follows the enum, id, status and hint. */
class FilterErrorCodeTest {
  @Test
  void readmeFilterErrorCodeTableListsEveryCodeWithItsStatusAndHint() throws IOException {
    String readme = Files.readString(readme());
    String table = readme.substring(readme.indexOf("### Filter error codes"));
    table = table.substring(0, table.indexOf("\n## "));
    List<String> listed =
        rows(table).stream()
            .map(cells -> cells[0] + " " + cells[1] + " " + cells[2].replace("`", ""))
            .toList();

    assertThat(listed)
        .containsExactlyElementsOf(
            Arrays.stream(FilterErrorCode.values())
                .map(c -> c.id() + " " + c.status() + " " + c.hint())
                .toList());
  }

  @Test
  void idsAreSnakeCaseAndUniqueAndStatusesAreErrors() {
    assertThat(Arrays.stream(FilterErrorCode.values()).map(FilterErrorCode::id))
        .allMatch(id -> id.matches("[a-z]+(_[a-z]+)*"))
        .doesNotHaveDuplicates();
    assertThat(Arrays.stream(FilterErrorCode.values()).map(FilterErrorCode::status))
        .allMatch(s -> s >= 400 && s <= 503);
  }

  @Test
  void everyLinkReasonIsAFilterCodeWithItsIdAnd403() {
    for (UserLinkException.Reason r : UserLinkException.Reason.values()) {
      assertThat(r.id()).isEqualTo(r.code().id());
      assertThat(r.userMessage()).isEqualTo(r.code().userMessage());
      assertThat(r.code().status()).isEqualTo(403);
    }
    assertThat(UserLinkException.Reason.NOT_PROVISIONED.id()).isEqualTo("user_not_provisioned");
    assertThat(UserLinkException.Reason.INACTIVE.id()).isEqualTo("user_inactive");
    assertThat(UserLinkException.Reason.DENIED.id()).isEqualTo("access_denied");
  }

  /** id (without backticks), status and hint of each body row of a markdown table. */
  private static List<String[]> rows(String table) {
    Matcher row = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| (\\d{3}) \\| (.*) \\|$").matcher(table);
    List<String[]> out = new java.util.ArrayList<>();
    while (row.find()) {
      out.add(new String[] {row.group(1), row.group(2), row.group(3)});
    }
    return out;
  }

  private static Path readme() {
    Path p = Path.of("README.md").toAbsolutePath();
    return Files.exists(p) ? p : Path.of("..", "README.md");
  }
}
