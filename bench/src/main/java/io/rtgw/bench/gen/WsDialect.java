package io.rtgw.bench.gen;

import io.rtgw.bench.Payload;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How one server speaks over WebSocket: where to connect, how a subscription is made and resumed, what
 * marks it ready, and how a publish is framed. One implementation per server, all in this file because
 * each is a handful of lines.
 */
abstract class WsDialect {

  /** The URI for a subscriber ({@code resume}: coming back after a drop) or for a publisher. */
  abstract String uri(Sub s, boolean resume);

  List<String> subProtocols() {
    return List.of();
  }

  /** Called once the handshake is done; dialects that need no subscribe command are ready now. */
  abstract void onOpen(Sub s, WebSocket ws, boolean resume);

  /** Every text frame received. */
  abstract void onFrame(Sub s, WebSocket ws, Buffer frame);

  /** The frame that publishes {@code payload} to {@code channel} from a connection. */
  abstract String publishFrame(String channel, String payload);

  /** Connections a publisher needs: one per channel where the server ties a connection to a room. */
  boolean publisherPerChannel() {
    return false;
  }

  static WsDialect of(String server) {
    return switch (server) {
      case "gateway" -> new Gateway();
      case "socketio" -> new SocketIo();
      case "nchan" -> new Nchan();
      case "floor" -> new Floor();
      default -> throw new IllegalArgumentException("no WebSocket dialect for " + server);
    };
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static void deliverAll(Sub s, Buffer frame) {
    for (int at = Payload.next(frame, 0); at >= 0; at = Payload.next(frame, at + 4)) {
      s.deliver(Payload.seqAt(frame, at), Payload.timeAt(frame, at));
    }
  }

  /** PROTOCOL.md: subscribe (with {@code since} on resume), {@code subscribed}, {@code message} frames. */
  static final class Gateway extends WsDialect {
    private static final byte[] OFFSET = Payload.bytes("\"offset\":");
    private static final byte[] EPOCH = Payload.bytes("\"epoch\":");
    private static final byte[] SUBSCRIBED = Payload.bytes("\"type\":\"subscribed\"");
    private static final byte[] ERROR = Payload.bytes("\"type\":\"error\"");
    private static final byte[] PUBLISHED = Payload.bytes("\"type\":\"published\"");
    private static final byte[] RESET = Payload.bytes("\"type\":\"reset\"");
    private static final byte[] RECOVERED = Payload.bytes("\"recovered\":true");
    /** The bench's own subscribe carries id 1; the inbox subscription the gateway makes by itself has none. */
    private static final byte[] ID_1 = Payload.bytes("\"id\":1,");

    @Override
    String uri(Sub s, boolean resume) {
      // the standalone configuration identifies by ?user= (identity.allowUserParam)
      return s.user == null ? "/ws" : "/ws?user=" + enc(s.user);
    }

    @Override
    void onOpen(Sub s, WebSocket ws, boolean resume) {
      if (s.publisherOnly) {
        s.ready();
        return;
      }
      if (s.personal()) {
        // the gateway subscribes an identified connection to its inbox by itself
        return;
      }
      StringBuilder cmd = new StringBuilder("{\"id\":1,\"type\":\"subscribe\",\"channel\":\"").append(s.channel).append('"');
      if (resume && s.epoch != null) {
        s.resumedSince = s.offset;
        cmd.append(",\"since\":{\"epoch\":\"").append(s.epoch).append("\",\"offset\":").append(s.offset).append('}');
      }
      ws.writeTextMessage(cmd.append('}').toString());
    }

    @Override
    void onFrame(Sub s, WebSocket ws, Buffer frame) {
      if (s.publisherOnly) {
        if (Payload.indexOf(frame, ERROR, 0) >= 0) {
          s.publishErrors++;
        } else if (Payload.indexOf(frame, PUBLISHED, 0) >= 0) {
          s.publishAcks++;
        }
        return;
      }
      int at = Payload.next(frame, 0);
      if (at >= 0) {
        long offset = Payload.digits(frame, Payload.indexOf(frame, OFFSET, 0) + OFFSET.length);
        if (offset > s.offset) {
          s.offset = offset;
        }
        s.deliver(Payload.seqAt(frame, at), Payload.timeAt(frame, at));
      } else if (Payload.indexOf(frame, SUBSCRIBED, 0) >= 0) {
        boolean inbox = s.user != null && Payload.indexOf(frame, ID_1, 0) < 0;
        if (inbox) {
          s.inboxSubscribed = true;
          if (!s.personal()) {
            readyOnceBoth(s);
            return;
          }
        }
        if (s.epoch == null) {
          s.epoch = Payload.stringAfter(frame, EPOCH, 0);
          s.offset = Payload.digits(frame, Payload.indexOf(frame, OFFSET, 0) + OFFSET.length);
        } else {
          s.resumedTo = Payload.digits(frame, Payload.indexOf(frame, OFFSET, 0) + OFFSET.length);
          s.resumedRecovered = Payload.indexOf(frame, RECOVERED, 0) >= 0;
        }
        s.channelSubscribed = true;
        readyOnceBoth(s);
      } else if (Payload.indexOf(frame, ERROR, 0) >= 0) {
        s.errorFrames++;
        // as realtime.js does: a refused subscribe of its own (id 1) is tried again after a moment, the
        // error still counted; the inbox is the gateway's to retry
        if (Payload.indexOf(frame, ID_1, 0) >= 0 && !s.channelSubscribed && !s.personal()) {
          int generation = s.generation;
          io.vertx.core.Vertx.currentContext().owner().setTimer(500 + (long) (Math.random() * 1500), t -> {
            if (generation == s.generation && !ws.isClosed() && !s.channelSubscribed) {
              onOpen(s, ws, s.epoch != null);
            }
          });
        }
      } else if (Payload.indexOf(frame, RESET, 0) >= 0) {
        s.resets++;
      }
    }

    /** An identified connection is ready once its inbox and its own channel are both subscribed. */
    private static void readyOnceBoth(Sub s) {
      if (s.channelSubscribed && (s.user == null || s.inboxSubscribed)) {
        s.ready();
      }
    }

    @Override
    String publishFrame(String channel, String payload) {
      return "{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":" + payload + "}";
    }
  }

  /**
   * Engine.IO v4 / Socket.IO v5 text frames: {@code 0{open}}, then {@code 40} (with the session id and
   * last offset to recover a dropped session), {@code 40{sid}} back; {@code 2} pings answered with
   * {@code 3}; events {@code 42["m",payload,"offset"]}. The server joins the room named in the query.
   */
  static final class SocketIo extends WsDialect {
    private static final byte[] PID = Payload.bytes("\"pid\":");

    @Override
    String uri(Sub s, boolean resume) {
      String base = "/socket.io/?EIO=4&transport=websocket";
      String room = s.publisherOnly ? base : base + "&room=" + enc(s.channel);
      // server.js joins an identified socket to its room user:<id> too, as the gateway subscribes its inbox
      return s.user == null || s.personal() ? room : room + "&user=" + enc(s.user);
    }

    @Override
    void onOpen(Sub s, WebSocket ws, boolean resume) {
      // the 40 goes out when the server's open packet (0) arrives
    }

    @Override
    void onFrame(Sub s, WebSocket ws, Buffer frame) {
      if (frame.length() == 0) {
        return;
      }
      byte type = frame.getByte(0);
      if (type == '2') {
        ws.writeTextMessage("3");
      } else if (type == '0') {
        if (s.pid != null && s.resumeToken != null) {
          ws.writeTextMessage("40{\"pid\":\"" + s.pid + "\",\"offset\":\"" + s.resumeToken + "\"}");
        } else {
          ws.writeTextMessage("40");
        }
      } else if (frame.length() > 1 && frame.getByte(1) == '0') {
        String pid = Payload.stringAfter(frame, PID, 0);
        if (pid != null) {
          s.pid = pid;
        }
        s.ready();
      } else if (frame.length() > 1 && frame.getByte(1) == '2') {
        int at = Payload.next(frame, 0);
        if (at >= 0) {
          String offset = lastString(frame);
          if (offset != null) {
            s.resumeToken = offset;
          }
          s.deliver(Payload.seqAt(frame, at), Payload.timeAt(frame, at));
        }
      }
    }

    /** With connection state recovery the broadcast's offset is the event's last argument: {@code ,"x"]}. */
    private static String lastString(Buffer frame) {
      int end = frame.length() - 1;
      if (end < 2 || frame.getByte(end) != ']' || frame.getByte(end - 1) != '"') {
        return null;
      }
      int start = end - 2;
      while (start > 0 && frame.getByte(start) != '"') {
        start--;
      }
      return frame.getString(start + 1, end - 1);
    }

    @Override
    String publishFrame(String channel, String payload) {
      return "42[\"pub\",\"" + channel + "\"," + payload + "]";
    }
  }

  /**
   * nchan's pubsub location with the {@code ws+meta.nchan} subprotocol: every message comes as
   * {@code id: <id>\n[content-type: ...\n]\n<data>}, and {@code last_event_id} resumes after an id.
   * Frames a connection sends are published to its channel.
   */
  static final class Nchan extends WsDialect {
    @Override
    String uri(Sub s, boolean resume) {
      String base = "/ps/" + enc(s.channel);
      return resume && s.resumeToken != null ? base + "?last_event_id=" + enc(s.resumeToken) : base;
    }

    @Override
    List<String> subProtocols() {
      return List.of("ws+meta.nchan");
    }

    @Override
    void onOpen(Sub s, WebSocket ws, boolean resume) {
      s.ready();
    }

    @Override
    void onFrame(Sub s, WebSocket ws, Buffer frame) {
      if (frame.length() > 4 && frame.getByte(0) == 'i' && frame.getByte(1) == 'd') {
        int nl = 0;
        while (nl < frame.length() && frame.getByte(nl) != '\n') {
          nl++;
        }
        s.resumeToken = frame.getString(4, nl).trim();
      }
      deliverAll(s, frame);
    }

    @Override
    String publishFrame(String channel, String payload) {
      return payload;
    }
  }

  /** The floor: join the room in the query; anything a connection sends goes to everyone in its room. */
  static final class Floor extends WsDialect {
    @Override
    String uri(Sub s, boolean resume) {
      return (s.publisherOnly ? "/pub?room=" : "/ws?room=") + enc(s.channel);
    }

    @Override
    void onOpen(Sub s, WebSocket ws, boolean resume) {
      s.ready();
    }

    @Override
    void onFrame(Sub s, WebSocket ws, Buffer frame) {
      deliverAll(s, frame);
    }

    @Override
    String publishFrame(String channel, String payload) {
      return payload;
    }

    @Override
    boolean publisherPerChannel() {
      return true;
    }
  }
}
