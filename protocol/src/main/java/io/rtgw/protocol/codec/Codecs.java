package io.rtgw.protocol.codec;

import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ConnectionReport;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.PositionsRead;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.PublishResult;
import io.rtgw.protocol.Refusal;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.RouteLease;
import io.rtgw.protocol.Routes;
import io.rtgw.protocol.RoutesRead;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * Registers the codecs of every record sent on the bus. Call once per Vertx instance, where the Vertx is
 * built, never from a verticle's start(): a second verticle instance would register twice and fail.
 */
public final class Codecs {

  private static final List<Class<? extends Record>> RECORDS = List.of(
      Message.class, PublishCommand.class, PublishResult.class, AppendCommand.class, AppendResult.class,
      HistoryRead.class, HistoryPage.class, PresenceReport.class, PresenceEvent.class, ChangesRead.class,
      ChannelChanges.class, PositionsRead.class, Positions.class, ConnectionReport.class, RouteChanges.class,
      RouteLease.class, RoutesRead.class, Routes.class, Refusal.class);

  private Codecs() {
  }

  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (Class<? extends Record> type : RECORDS) {
      registerOne(bus, type);
    }
  }

  private static <T extends Record> void registerOne(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new RecordCodec<>(type));
  }
}
