package io.rtgw.fanout;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Refusal;
import io.rtgw.protocol.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Stands in for the history tier on {@link Addresses#HISTORY_APPEND}. It keeps every append it is asked
 * for and answers as the test tells it: like history (the next offset in one epoch, the first message
 * again for a repeated key; the default, from offset 1 in epoch {@link #EPOCH}), with a failure code and a
 * sentence, with a body history never sends, or not at all.
 */
final class HistoryStub {

  static final String EPOCH = "e1";

  private final List<AppendCommand> appends = new CopyOnWriteArrayList<>();
  private final MessageConsumer<AppendCommand> consumer;
  private final EventBus bus;
  private volatile Consumer<io.vertx.core.eventbus.Message<AppendCommand>> answer;

  HistoryStub(Vertx vertx) {
    sequence(EPOCH, 1);
    bus = vertx.eventBus();
    consumer = bus.consumer(Addresses.HISTORY_APPEND, msg -> {
      appends.add(msg.body());
      answer.accept(msg);
    });
  }

  /** Completes when the stub listens. */
  Future<Void> ready() {
    return consumer.completion();
  }

  /** Unregisters: from now on history is absent. */
  Future<Void> stop() {
    return consumer.unregister();
  }

  /** What fanout asked history to append, in order. */
  List<AppendCommand> appends() {
    return appends;
  }

  /** Offsets {@code first}, {@code first + 1}, ... in {@code epoch}; a key seen before gets its first message back. */
  void sequence(String epoch, long first) {
    // touched on the consumer's context only
    Map<String, Message> byKey = new HashMap<>();
    long[] next = {first};
    answer = msg -> {
      AppendCommand cmd = msg.body();
      Message seen = cmd.key() == null ? null : byKey.get(cmd.key());
      if (seen != null) {
        answer(msg, new AppendResult(seen, true));
        return;
      }
      Message m = new Message(cmd.channel(), next[0]++, epoch, cmd.data(), cmd.from(), cmd.ts());
      if (cmd.key() != null) {
        byKey.put(cmd.key(), m);
      }
      answer(msg, new AppendResult(m, false));
    };
  }

  /** As the history verticle answers: to the asker's answer address, or as the reply to a plain request. */
  private void answer(io.vertx.core.eventbus.Message<AppendCommand> msg, Object body) {
    AppendCommand cmd = msg.body();
    Replies.answer(bus, msg, cmd, body instanceof AppendResult r ? r.answering(cmd) : body);
  }

  /** Fails every append as the history verticle fails a request: a status as code, a sentence as message. */
  void fail(int code, String sentence) {
    answer = msg -> {
      AppendCommand cmd = msg.body();
      if (cmd.answerTo() != null && msg.replyAddress() == null) {
        bus.send(cmd.answerTo(), new Refusal(cmd.ticket(), code, sentence));
      } else {
        msg.fail(code, sentence);
      }
    };
  }

  /** Replies {@code body} to every append, whatever it is. */
  void reply(Object body) {
    answer = msg -> answer(msg, body);
  }

  /** Never answers, like a history instance that hangs. */
  void stayQuiet() {
    answer = msg -> {
    };
  }
}
