package io.rtgw.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VertxInternalsTest {

  private final byte[] json = "{\"type\":\"message\",\"text\":\"h\u00e9\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void the_self_check_passes_on_the_vertx_this_is_built_with() {
    assertThat(VertxInternals.selfCheck()).isNull();
    assertThat(VertxInternals.create(true).enabled()).isTrue();
  }

  @Test
  void switched_off_it_makes_the_same_frames_and_buffers_with_public_apis() {
    VertxInternals on = VertxInternals.create(true);
    VertxInternals off = VertxInternals.create(false);
    assertThat(off.enabled()).isFalse();
    assertThat(off.textFrame(json).textData()).isEqualTo(on.textFrame(json).textData())
        .isEqualTo(new String(json, StandardCharsets.UTF_8));
    assertThat(off.shared(json).getBytes()).isEqualTo(on.shared(json).getBytes()).isEqualTo(json);
    assertThat(off.rawWriter(null)).isNull();
  }
}
