package io.rtgw.connection.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streamed parse gives what a whole-tree parse gives (the same fields, the same data as JSON, the
 * same errors), and passes compact data through as written.
 */
class CommandTest {

  private static final List<String> FRAMES = List.of(
      "{\"id\":1,\"type\":\"publish\",\"channel\":\"feed:a\",\"data\":{\"text\":\"hi there\",\"n\":[1,2.50,{\"x\":null}]}}",
      "{\"type\":\"publish\",\"data\":\"a \\\"quoted\\\" \\\\ word\\\\\",\"channel\":\"c\"}",
      "{\"type\":\"publish\",\"data\":  { \"a\" : [ 1 , 2 ] ,\n\"b\":\"x y\" } ,\"channel\":\"c\"}",
      "{\"type\":\"publish\",\"data\":12.50e3}",
      "{\"type\":\"publish\",\"data\":true,\"id\":\"x\"}",
      "{\"type\":\"publish\",\"data\":null}",
      "{\"type\":\"rpc\",\"method\":\"m\"}",
      "{\"type\":\"publish\",\"data\":1,\"data\":{\"second\":2}}",
      "{\"type\":\"publish\",\"data\":[],\"id\":1e999}",
      "{\"type\":\"publish\",\"data\":\"\\u00e9\\ud83d\\ude00 caf\u00e9\"}",
      "{\"type\":\"subscribe\",\"channel\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":3}}",
      "{\"id\":12345678901,\"type\":\"publish\",\"a\":true,\"b\":false,\"c\":null,\"d\":\"\",\"data\":1}",
      "{\"id\":123456789012345678901234567890,\"type\":\"publish\",\"e\":-7,\"f\":2.5,\"g\":[1],\"data\":1}",
      "{\"id\":-2147483649,\"type\":\"x\",\"type\":\"publish\",\"h\":\"\\u00e9\\n\"}");

  private static final List<String> BAD = List.of(
      "", "   ", "[]", "\"publish\"", "{", "{\"type\":\"publish\",\"data\":{\"a\":}}", "{\"type\":\"publish\"}{}",
      "{\"type\":\"publish\",\"data\":\"tab\there\"}", "{\"type\":\"publish\",\"data\":\"\\x\"}", "{\"type\":5}",
      "{\"id\":[1],\"type\":\"publish\"}", "{\"id\":2,\"data\":1}", "{\"type\":\"publish\",\"data\":[1,2}");

  @Test
  void streamed_and_tree_parses_agree() throws Exception {
    for (String frame : FRAMES) {
      Command streamed = Command.parse(frame);
      Command tree = Command.parseTree(frame);
      assertThat(streamed.id()).as(frame).isEqualTo(tree.id());
      assertThat(streamed.type()).as(frame).isEqualTo(tree.type());
      assertThat(streamed.body()).as(frame).isEqualTo(tree.body());
      assertThat(streamed.hasData()).as(frame).isEqualTo(tree.hasData());
      if (tree.hasData()) {
        assertThat(Json.CLIENT_INPUT.readTree(streamed.data())).as(frame)
            .isEqualTo(Json.CLIENT_INPUT.readTree(tree.data()));
        assertThat(streamed.data()).as("compact, one line: %s", frame).doesNotContain("\n").doesNotContain(" :")
            .doesNotContain(", ");
      }
    }
  }

  @Test
  void compact_data_passes_through_as_written() {
    assertThat(Command.parse(FRAMES.get(0)).data()).isEqualTo("{\"text\":\"hi there\",\"n\":[1,2.50,{\"x\":null}]}");
    assertThat(Command.parse(FRAMES.get(1)).data()).isEqualTo("\"a \\\"quoted\\\" \\\\ word\\\\\"");
    assertThat(Command.parse(FRAMES.get(2)).data()).isEqualTo("{\"a\":[1,2],\"b\":\"x y\"}");
    assertThat(Command.parse(FRAMES.get(3)).data()).isEqualTo("12.50e3");
    assertThat(Command.parse(FRAMES.get(5)).data()).isEqualTo("null");
    assertThat(Command.parse(FRAMES.get(6)).hasData()).isFalse();
    assertThat(Command.parse(FRAMES.get(7)).data()).as("the last of two, as a tree keeps").isEqualTo("{\"second\":2}");
    assertThat(Command.parse(FRAMES.get(9)).data()).isEqualTo("\"\\u00e9\\ud83d\\ude00 caf\u00e9\"");
  }

  @Test
  void bad_frames_fail_as_a_tree_parse_fails() {
    for (String frame : BAD) {
      Throwable tree = catchFailure(() -> Command.parseTree(frame));
      assertThat(tree).as("the tree parse refuses %s", frame).isNotNull();
      assertThatThrownBy(() -> Command.parse(frame)).as(frame).isInstanceOf(tree.getClass())
          .hasMessage(tree.getMessage());
      if (tree instanceof Command.CommandException c) {
        Command.CommandException s = catchCommandException(frame);
        assertThat(s.id).as(frame).isEqualTo(c.id);
        assertThat(s.error.code()).as(frame).isEqualTo(c.error.code());
      }
    }
  }

  private static Command.CommandException catchCommandException(String frame) {
    return (Command.CommandException) catchFailure(() -> Command.parse(frame));
  }

  private static Throwable catchFailure(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
