package io.rtgw.service;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** A position in a channel: offsets compare only within one epoch. */
public record Position(String epoch, long offset) {

  public Position {
    Objects.requireNonNull(epoch, "epoch");
  }

  JsonObject toJson() {
    return new JsonObject().put("epoch", epoch).put("offset", offset);
  }
}
