package io.rtgw.protocol.config;

/** A configuration that cannot be used; the message is one sentence for the operator. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String sentence) {
    super(sentence, null, false, false);
  }
}
