package io.rtgw.connection.http;

import io.rtgw.protocol.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PEM files of {@code http.tls} every {@code reloadSeconds} and, when either changed, hands
 * the server the new pair: connections opened from then on get the new certificate, open ones keep the
 * one they were made with. A pair that does not load (the key and the certificate written one after the
 * other, caught in between; a broken file) is logged and retried at the next check, and the server keeps
 * serving the last pair that loaded.
 */
public final class CertificateReloader {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

  private final Vertx vertx;
  private final HttpServer server;
  private final ServerSSLOptions base;
  private final TlsConfig tls;
  private Buffer cert;
  private Buffer key;
  private long timer = -1;
  private boolean checking;

  /** {@code base}: the server's TLS options as it started, of which only the key pair is replaced. */
  public CertificateReloader(Vertx vertx, HttpServer server, ServerSSLOptions base, TlsConfig tls) {
    this.vertx = vertx;
    this.server = server;
    this.base = base;
    this.tls = tls;
  }

  /** Reads the files as they are now, then checks them every {@code reloadSeconds}. */
  public Future<Void> start() {
    return read().map(pair -> {
      cert = pair[0];
      key = pair[1];
      timer = vertx.setPeriodic(tls.reloadSeconds() * 1000, id -> check());
      return null;
    });
  }

  public void stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    read().compose(pair -> {
      if (pair[0].equals(cert) && pair[1].equals(key)) {
        return Future.succeededFuture();
      }
      ServerSSLOptions next = base.copy()
          .setKeyCertOptions(new PemKeyCertOptions().setCertValue(pair[0]).setKeyValue(pair[1]));
      // forced: Vert.x keeps a server's TLS context while its options look the same
      return server.updateSSLOptions(next, true).map(updated -> {
        cert = pair[0];
        key = pair[1];
        LOG.info("TLS certificate reloaded from {}: new connections get it, open ones keep theirs", tls.certPath());
        return null;
      });
    }).onComplete(ar -> {
      checking = false;
      if (ar.failed()) {
        LOG.warn("TLS certificate not reloaded from {} and {}, the previous one stays in use: {}", tls.certPath(),
            tls.keyPath(), ar.cause().getMessage());
      }
    });
  }

  private Future<Buffer[]> read() {
    return Future.all(vertx.fileSystem().readFile(tls.certPath()), vertx.fileSystem().readFile(tls.keyPath()))
        .map(both -> new Buffer[] {both.resultAt(0), both.resultAt(1)});
  }
}
