package io.rtgw.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What needs no redis-server: a Redis that is not there. The history and presence store tests drive the
 * link against a real one (stopped, hung, restarted empty, a full pipeline).
 */
@ExtendWith(VertxExtension.class)
class RedisLinkTest {

  /** Nothing listens there. */
  private static RedisConfig nowhere() {
    return new RedisConfig("redis://127.0.0.1:" + Ports.free(), null, 1_000L, null);
  }

  @Test
  void a_call_to_a_redis_that_is_not_there_fails_unavailable_with_a_sentence_naming_the_store(Vertx vertx,
                                                                                              VertxTestContext test) {
    vertx.runOnContext(v -> {
      RedisLink link = new RedisLink(vertx, nowhere(), "history");
      link.call(Request.cmd(Command.PING)).onComplete(test.failing(e -> test.verify(() -> {
        assertThat(e).isInstanceOf(GatewayException.class);
        assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e).hasMessage("The history store (Redis) cannot be reached; retry later.");
        link.close();
        test.completeNow();
      })));
    });
  }

  @Test
  void a_script_call_fails_the_same_way(Vertx vertx, VertxTestContext test) {
    LuaScript script = LuaScript.load(RedisLinkTest.class, "echo.lua");
    vertx.runOnContext(v -> {
      RedisLink link = new RedisLink(vertx, nowhere(), "presence");
      link.call(script, List.of("k"), List.of("a")).onComplete(test.failing(e -> test.verify(() -> {
        assertThat(e).hasMessage("The presence store (Redis) cannot be reached; retry later.");
        link.close();
        test.completeNow();
      })));
    });
  }

  @Test
  void a_health_check_answers_false_instead_of_failing(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      RedisLink link = new RedisLink(vertx, nowhere(), "history");
      link.healthy().onComplete(test.succeeding(healthy -> test.verify(() -> {
        assertThat(healthy).isFalse();
        link.close();
        test.completeNow();
      })));
    });
  }

  @Test
  void a_closed_link_fails_calls_as_unavailable(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(v -> {
      RedisLink link = new RedisLink(vertx, nowhere(), "history");
      link.close().compose(x -> link.call(Request.cmd(Command.PING))).onComplete(test.failing(e -> test.verify(() -> {
        assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        test.completeNow();
      })));
    });
  }

  @Test
  void a_script_missing_from_the_jar_is_refused_at_load_with_its_name() {
    assertThatThrownBy(() -> LuaScript.load(RedisLinkTest.class, "missing.lua"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the script missing.lua is missing from the jar");
  }
}
