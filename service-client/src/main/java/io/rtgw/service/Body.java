package io.rtgw.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON body field by field. A field of the wrong type fails with {@code code} and a sentence
 * naming the body ({@code what}) and the field, so a hook request that breaks the contract is answered
 * bad_request and a gateway answer that does is a failed Future, never a record with a silent null.
 */
final class Body {

  private final JsonObject json;
  private final String what;
  private final ProtocolCode code;

  private Body(JsonObject json, String what, ProtocolCode code) {
    this.json = json;
    this.what = what;
    this.code = code;
  }

  /** A request the gateway sent us: broken fields are the gateway's bad_request. */
  static Body request(Object body, String what) {
    return of(body, what, ProtocolCode.BAD_REQUEST);
  }

  /** An answer the gateway gave us: broken fields are internal (the gateway broke the contract). */
  static Body answer(Object body, String what) {
    return of(body, what, ProtocolCode.INTERNAL);
  }

  private static Body of(Object body, String what, ProtocolCode code) {
    if (!(body instanceof JsonObject json)) {
      throw new RtgwException(code, "The " + what + " is not a JSON object.");
    }
    return new Body(json, what, code);
  }

  JsonObject json() {
    return json;
  }

  String string(String field) {
    String s = optString(field);
    if (s == null) {
      throw broken(field, "a string");
    }
    return s;
  }

  String optString(String field) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw broken(field, "a string");
    }
    return (String) v;
  }

  long number(String field) {
    Long n = optNumber(field);
    if (n == null) {
      throw broken(field, "a number");
    }
    return n;
  }

  Long optNumber(String field) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof Number)) {
      throw broken(field, "a number");
    }
    return v == null ? null : ((Number) v).longValue();
  }

  /** An integer field; JSON numbers with a fraction are refused rather than cut. */
  Integer optInt(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
      throw broken(field, "an integer");
    }
    return n.intValue();
  }

  boolean bool(String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Boolean b)) {
      throw broken(field, "true or false");
    }
    return b;
  }

  JsonObject optObject(String field) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof JsonObject)) {
      throw broken(field, "an object");
    }
    return (JsonObject) v;
  }

  JsonArray array(String field) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonArray a)) {
      throw broken(field, "an array");
    }
    return a;
  }

  /** Each element of an array field as an object, read by {@code reader}. */
  <T> List<T> objects(String field, String element, java.util.function.Function<Body, T> reader) {
    List<T> list = new ArrayList<>();
    for (Object o : array(field)) {
      list.add(reader.apply(of(o, element + " in '" + field + "' of the " + what, code)));
    }
    return list;
  }

  /** A flat object of strings (e.g. headers); absent is empty. */
  Map<String, String> strings(String field) {
    JsonObject o = optObject(field);
    Map<String, String> map = new LinkedHashMap<>();
    if (o != null) {
      for (Map.Entry<String, Object> e : o) {
        if (!(e.getValue() instanceof String s)) {
          throw broken(field, "an object of strings");
        }
        map.put(e.getKey(), s);
      }
    }
    return map;
  }

  /** Any JSON value, null included: application data the gateway passes through. */
  Object value(String field) {
    return json.getValue(field);
  }

  /** Fails unless {@code field} holds {@code expected}: a body sent to the wrong address. */
  void expect(String field, String expected) {
    Object v = json.getValue(field);
    if (!expected.equals(v)) {
      throw new RtgwException(code, "The " + what + " must have \"" + field + "\":\"" + expected + "\", not "
          + (v == null ? "none" : "\"" + v + "\"") + "; is the address configured for another hook or event?");
    }
  }

  private RtgwException broken(String field, String kind) {
    return new RtgwException(code, "The field '" + field + "' of the " + what + " must be " + kind + ".");
  }
}
