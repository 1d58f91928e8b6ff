package io.rtgw.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by openssl in a temporary directory with
 * the one-liner docs/OPERATIONS.md gives (an EC key: quicker to make than RSA, and what browsers prefer).
 */
record TestCertificates(Path cert, Path key) {

  static TestCertificates make() {
    try {
      Path dir = Files.createTempDirectory("rtgw-tls");
      dir.toFile().deleteOnExit();
      Path cert = dir.resolve("cert.pem");
      Path key = dir.resolve("key.pem");
      Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
          "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
          "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
          "-keyout", key.toString(), "-out", cert.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        throw new IllegalStateException("openssl could not make a test certificate");
      }
      cert.toFile().deleteOnExit();
      key.toFile().deleteOnExit();
      return new TestCertificates(cert, key);
    } catch (IOException e) {
      throw new IllegalStateException("openssl could not be run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
