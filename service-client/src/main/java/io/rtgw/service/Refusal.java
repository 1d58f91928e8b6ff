package io.rtgw.service;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** Why a hook refuses: a protocol code and a sentence, both shown to the client. */
public record Refusal(ProtocolCode code, String message) {

  public Refusal {
    Objects.requireNonNull(code, "code");
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("A refusal needs a sentence for the client.");
    }
  }

  JsonObject toJson() {
    return new JsonObject().put("allow", false).put("code", code.code()).put("message", message);
  }
}
