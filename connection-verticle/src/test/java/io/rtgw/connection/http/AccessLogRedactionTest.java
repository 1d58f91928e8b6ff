package io.rtgw.connection.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which parts of a request URI the access log replaces: the credential values, and nothing else. */
class AccessLogRedactionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/ws?token=abc.def.ghi                       | /ws?token=[redacted]",
      "/sse?channel=chat:a&token=x&lastEventId=5   | /sse?channel=chat:a&token=[redacted]&lastEventId=5",
      "/sse?channel=chat:a&channel_token=y         | /sse?channel=chat:a&channel_token=[redacted]",
      "/poll?TOKEN=x&access_token=z                | /poll?TOKEN=[redacted]&access_token=[redacted]",
      "/ws?token=                                  | /ws?token=[redacted]",
      "/ws?mytoken=kept&user=alice                 | /ws?mytoken=kept&user=alice",
      "/history?channel=chat:a                     | /history?channel=chat:a",
      "/a\"b?token=x                               | /a%22b?token=[redacted]",
  })
  void credential_values_are_replaced_and_everything_else_kept(String uri, String logged) {
    assertThat(AccessLog.redact(uri)).isEqualTo(logged);
  }
}
