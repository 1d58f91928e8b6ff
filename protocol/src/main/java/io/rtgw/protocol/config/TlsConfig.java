package io.rtgw.protocol.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for the client-facing HTTP server: a PEM certificate (chain) and its PEM private key (PKCS#8 or
 * PKCS#1). Both set: the server speaks only TLS on {@code http.port} and offers HTTP/2 and HTTP/1.1 by
 * ALPN; neither: plain HTTP. A blank path counts as unset, so {@code GATEWAY_HTTP_TLS_CERT_PATH=} turns TLS
 * off again. A path that names no readable file stops the launcher with one sentence.
 *
 * <p>{@code reloadSeconds}: how often the files are read again (0, the default: never); when either
 * changed, new connections get the new certificate and open ones keep theirs, so a renewal (cert-manager,
 * certbot) needs no restart.
 */
public record TlsConfig(String certPath, String keyPath, Long reloadSeconds) {

  /** Never read the files again: a renewed certificate needs a restart. */
  public static final long NO_RELOAD = 0;
  public static final long MAX_RELOAD_SECONDS = 86_400;

  public TlsConfig {
    reloadSeconds = reloadSeconds == null ? NO_RELOAD : reloadSeconds;
    Check.range("http.tls.reloadSeconds", reloadSeconds, 0, MAX_RELOAD_SECONDS);
    certPath = certPath == null || certPath.isBlank() ? null : certPath;
    keyPath = keyPath == null || keyPath.isBlank() ? null : keyPath;
    if ((certPath == null) != (keyPath == null)) {
      throw new ConfigException("http.tls needs both certPath and keyPath (PEM files), or neither for plain HTTP.");
    }
    readable("http.tls.certPath", certPath);
    readable("http.tls.keyPath", keyPath);
  }

  /** TLS is off. */
  public static TlsConfig none() {
    return new TlsConfig(null, null, null);
  }

  public boolean enabled() {
    return certPath != null;
  }

  private static void readable(String name, String path) {
    if (path != null && !Files.isReadable(Path.of(path))) {
      throw new ConfigException(name + " names " + path + ", which does not exist or cannot be read.");
    }
  }
}
