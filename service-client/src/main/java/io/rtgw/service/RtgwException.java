package io.rtgw.service;

/**
 * A refusal or failure with the protocol's code and a sentence: what a failed Future of
 * {@link RtgwService} holds, and what a hook handler may fail with to send its own code back.
 */
public final class RtgwException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ProtocolCode code;

  public RtgwException(ProtocolCode code, String message) {
    super(message);
    this.code = code;
  }

  public ProtocolCode code() {
    return code;
  }

  @Override
  public String toString() {
    return code.code() + ": " + getMessage();
  }
}
