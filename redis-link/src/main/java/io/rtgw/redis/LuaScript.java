package io.rtgw.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script shipped in the jar. It runs by its SHA1 (EVALSHA), so the source crosses the network only
 * when Redis does not have it yet, e.g. after a restart, when one EVAL loads it again. Immutable.
 */
public final class LuaScript {

  private final String source;
  private final String sha1;

  private LuaScript(String source) {
    this.source = source;
    this.sha1 = sha1(source);
  }

  /** Loads a script that sits beside {@code owner} (same package) in its jar. */
  public static LuaScript load(Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the script " + resource + " is missing from the jar");
      }
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the script " + resource, e);
    }
  }

  Future<Response> run(RedisLink link, List<String> keys, List<String> args) {
    return link.send(request(Command.EVALSHA, sha1, keys, args))
        // NOSCRIPT means it did not run, so sending it whole cannot apply it twice
        .recover(e -> isNoScript(e)
            ? link.send(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(e));
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request r = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(r::arg);
    args.forEach(r::arg);
    return r;
  }

  private static boolean isNoScript(Throwable e) {
    return e instanceof Response r && r.type() == ResponseType.ERROR && r.toString().startsWith("NOSCRIPT");
  }

  private static String sha1(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
