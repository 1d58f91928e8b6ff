package io.rtgw.fanout;

import static io.rtgw.protocol.Fields.CHANNEL;
import static io.rtgw.protocol.Fields.DATA;
import static io.rtgw.protocol.Fields.FROM;
import static io.rtgw.protocol.Fields.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.PublishCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule a publish must pass, one row per way to break it: the publisher is refused with the code and
 * the sentence, and history is never asked.
 */
@ExtendWith(VertxExtension.class)
class PublishValidationTest {

  private static final String BAD_NAME = "Bad channel name: use 1 to 160 characters of A-Z a-z 0-9 _ - . : @ /.";
  private static final String TOO_LARGE = "The message data is larger than the limit of " + Fanout.MAX_MESSAGE_BYTES + " bytes.";
  private static final String BAD_KEY = "The field 'key' must be 1 to 256 characters.";
  private static final String OK = "chat:room42";
  /** 34 characters, 66 bytes in UTF-8 with its quotes. */
  private static final String ACCENTS = "é".repeat(32);

  private HistoryStub history;
  private EventBus bus;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    bus = vertx.eventBus();
    history = new HistoryStub(vertx);
    Future.all(history.ready(), Fanout.deploy(vertx)).onComplete(test.succeedingThenComplete());
  }

  static Stream<Arguments> badServicePublishes() {
    return Stream.of(
        arguments(named("a body that is not a JSON object", "chat:room42 hello"), ErrorCode.BAD_REQUEST,
            "A publish must be a JSON object {\"channel\", \"data\"}."),
        arguments(named("a JSON array", new JsonArray().add(OK)), ErrorCode.BAD_REQUEST,
            "A publish must be a JSON object {\"channel\", \"data\"}."),
        arguments(named("no channel", new JsonObject().put(DATA, 1)), ErrorCode.BAD_REQUEST,
            "The field 'channel' is missing."),
        arguments(named("a channel that is not a string", new JsonObject().put(CHANNEL, 42).put(DATA, 1)),
            ErrorCode.BAD_REQUEST, "The field 'channel' must be a string."),
        arguments(named("an empty channel name", service("")), ErrorCode.BAD_REQUEST, BAD_NAME),
        arguments(named("a channel name with a space", service("chat:room 42")), ErrorCode.BAD_REQUEST, BAD_NAME),
        arguments(named("a channel name with braces", service("chat:{x}")), ErrorCode.BAD_REQUEST, BAD_NAME),
        arguments(named("a channel name of 161 characters", service("chat:" + "x".repeat(156))), ErrorCode.BAD_REQUEST,
            BAD_NAME),
        arguments(named("a namespace the configuration does not name", service("nope:x")), ErrorCode.BAD_REQUEST,
            "Unknown namespace 'nope' in channel 'nope:x'; the server configures which namespaces exist."),
        arguments(named("no data", new JsonObject().put(CHANNEL, OK)), ErrorCode.BAD_REQUEST,
            "The field 'data' is missing."),
        arguments(named("a sender that is not a string", service(OK).put(FROM, 7)), ErrorCode.BAD_REQUEST,
            "The field 'from' must be a string."),
        arguments(named("a key that is not a string", service(OK).put(KEY, true)), ErrorCode.BAD_REQUEST,
            "The field 'key' must be a string."),
        arguments(named("an empty key", service(OK).put(KEY, "")), ErrorCode.BAD_REQUEST, BAD_KEY),
        arguments(named("a key of 257 characters", service(OK).put(KEY, "k".repeat(257))), ErrorCode.BAD_REQUEST, BAD_KEY),
        arguments(named("data one byte over the limit", service(OK).put(DATA, "x".repeat(Fanout.MAX_MESSAGE_BYTES - 1))),
            ErrorCode.TOO_LARGE, TOO_LARGE),
        arguments(named("data within the limit in characters but over it in UTF-8 bytes", service(OK).put(DATA, ACCENTS)),
            ErrorCode.TOO_LARGE, TOO_LARGE));
  }

  static Stream<Arguments> badClientPublishes() {
    return Stream.of(
        arguments(named("no channel", client(null)), ErrorCode.BAD_REQUEST, "The field 'channel' is missing."),
        arguments(named("a bad channel name", client("chat:room 42")), ErrorCode.BAD_REQUEST, BAD_NAME),
        arguments(named("a namespace the configuration does not name", client("nope:x")), ErrorCode.BAD_REQUEST,
            "Unknown namespace 'nope' in channel 'nope:x'; the server configures which namespaces exist."),
        arguments(named("a namespace with client publishes off", client(Fanout.CLOSED + ":headlines")),
            ErrorCode.FORBIDDEN, "Clients may not publish to namespace '" + Fanout.CLOSED + "'."),
        arguments(named("data one byte over the limit",
                new PublishCommand(OK, "\"" + "x".repeat(Fanout.MAX_MESSAGE_BYTES - 1) + "\"", null, null)),
            ErrorCode.TOO_LARGE, TOO_LARGE),
        arguments(named("data within the limit in characters but over it in UTF-8 bytes",
            new PublishCommand(OK, "\"" + ACCENTS + "\"", null, null)), ErrorCode.TOO_LARGE, TOO_LARGE),
        arguments(named("an empty key", new PublishCommand(OK, "1", "alice", "")), ErrorCode.BAD_REQUEST, BAD_KEY),
        arguments(named("a key of 257 characters", new PublishCommand(OK, "1", "alice", "k".repeat(257))),
            ErrorCode.BAD_REQUEST, BAD_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badServicePublishes")
  void a_service_publish_that_breaks_a_rule_is_refused_before_history_is_asked(Object body, ErrorCode code,
                                                                                  String sentence, VertxTestContext test) {
    bus.request(Addresses.PUBLISH, body).onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, code, sentence);
      assertThat(history.appends()).isEmpty();
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badClientPublishes")
  void a_client_publish_that_breaks_a_rule_is_refused_before_history_is_asked(PublishCommand cmd, ErrorCode code,
                                                                                 String sentence, VertxTestContext test) {
    bus.request(Addresses.CLIENT_PUBLISH, cmd).onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, code, sentence);
      assertThat(history.appends()).isEmpty();
      test.completeNow();
    })));
  }

  private static JsonObject service(String channel) {
    return new JsonObject().put(CHANNEL, channel).put(DATA, "hi");
  }

  private static PublishCommand client(String channel) {
    return new PublishCommand(channel, "\"hi\"", "alice", null);
  }
}
