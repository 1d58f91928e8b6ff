package io.rtgw.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "chat:room42", "user:alice@example.com", "a/b.c_d-e:f", "X9"})
  void accepts_names_of_the_allowed_characters(String name) {
    assertThat(ChannelName.isValid(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "emoji\u263a", "semi;colon", "quote\"", "new\nline"})
  void refuses_other_characters_and_empty_names(String name) {
    assertThat(ChannelName.isValid(name)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"chat:room42,chat", "plain,default", "a:b:c,a", ":x,''"})
  void the_namespace_is_the_part_before_the_first_colon(String channel, String namespace) {
    assertThat(ChannelName.namespace(channel)).isEqualTo(namespace);
  }

  @org.junit.jupiter.api.Test
  void length_is_bounded_at_160() {
    assertThat(ChannelName.isValid("x".repeat(160))).isTrue();
    assertThat(ChannelName.isValid("x".repeat(161))).isFalse();
  }
}
