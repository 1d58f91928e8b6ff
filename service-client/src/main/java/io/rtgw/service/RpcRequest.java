package io.rtgw.service;

/** A client's rpc call, forwarded by the gateway: a method name and any JSON value as data. */
public record RpcRequest(String user, String client, String method, Object data) {

  static RpcRequest from(Body b) {
    b.expect("hook", "rpc");
    return new RpcRequest(b.optString("user"), b.string("client"), b.string("method"), b.value("data"));
  }
}
