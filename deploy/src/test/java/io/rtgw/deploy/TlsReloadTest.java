package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.WsClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code http.tls.reloadSeconds}: the PEM files are replaced under a running node; a connection opened
 * afterwards is served the new certificate, one opened before keeps its own and goes on working.
 */
class TlsReloadTest {

  private static final TestCertificates FIRST = TestCertificates.make();
  private static final TestCertificates SECOND = TestCertificates.make();
  private static final Path DIR = tempDir();
  private static final Path CERT = DIR.resolve("cert.pem");
  private static final Path KEY = DIR.resolve("key.pem");

  static {
    install(FIRST);
    CERT.toFile().deleteOnExit();
    KEY.toFile().deleteOnExit();
  }

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_HTTP_TLS_CERT_PATH", CERT.toString(),
      "GATEWAY_HTTP_TLS_KEY_PATH", KEY.toString(),
      "GATEWAY_HTTP_TLS_RELOAD_SECONDS", "1");

  private static final WebSocketClientOptions WSS = new WebSocketClientOptions().setSsl(true).setTrustAll(true)
      .setVerifyHost(false);

  @Test
  void a_replaced_certificate_is_served_to_new_connections_and_open_ones_are_undisturbed() throws Exception {
    byte[] first = pem(FIRST.cert());
    byte[] second = pem(SECOND.cert());
    try (WsClient old = WsClient.connect(gateway.clients(), WSS, gateway.port(), "user=old")) {
      assertThat(served(old)).isEqualTo(first);
      old.subscribe("chat:reload");

      install(SECOND);
      Eventually.eventually(Duration.ofSeconds(10), () -> {
        try (WsClient fresh = WsClient.connect(gateway.clients(), WSS, gateway.port(), "user=new")) {
          assertThat(served(fresh)).as("a connection opened after the files changed").isEqualTo(second);
        }
      });

      assertThat(served(old)).as("the open connection keeps its certificate").isEqualTo(first);
      try (WsClient fresh = WsClient.connect(gateway.clients(), WSS, gateway.port(), "user=new")) {
        assertThat(fresh.publish("chat:reload", 1).getString("type")).isEqualTo("published");
      }
      assertThat(old.awaitMessages("chat:reload", 1)).as("and goes on receiving").hasSize(1);
    }
  }

  /** The DER bytes of the certificate the server presented on this connection. */
  private static byte[] served(WsClient client) throws SSLPeerUnverifiedException, CertificateEncodingException {
    List<Certificate> chain = client.socket().peerCertificates();
    return chain.get(0).getEncoded();
  }

  private static byte[] pem(Path cert) throws Exception {
    try (var in = Files.newInputStream(cert)) {
      X509Certificate x509 = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
      return x509.getEncoded();
    }
  }

  /** The key first, then the certificate, each by an atomic rename: as a renewal tool writes them. */
  private static void install(TestCertificates certs) {
    try {
      Path key = Files.copy(certs.key(), DIR.resolve("key.pem.new"), StandardCopyOption.REPLACE_EXISTING);
      Files.move(key, KEY, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Path cert = Files.copy(certs.cert(), DIR.resolve("cert.pem.new"), StandardCopyOption.REPLACE_EXISTING);
      Files.move(cert, CERT, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("rtgw-tls-reload");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
