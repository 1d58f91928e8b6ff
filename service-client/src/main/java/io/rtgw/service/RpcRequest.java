package io.rtgw.service;

/**
 * A client's rpc call, forwarded by the gateway: a method name and any JSON value as data.
 * {@code client} is null for a call without a connection (POST /rpc).
 */
public record RpcRequest(String user, String client, String method, Object data) {

  static RpcRequest from(Body b) {
    b.expect("hook", "rpc");
    return new RpcRequest(b.optString("user"), b.optString("client"), b.string("method"), b.value("data"));
  }
}
