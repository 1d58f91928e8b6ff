package io.rtgw.protocol.config;

/**
 * The gateway-wide hooks ({@link HookConfig}): {@code connect} (who may connect, as whom, with which
 * channels), {@code refresh} (asked before the expiry a connect hook gave), {@code rpc} (client calls
 * forwarded to the application), and {@code maxAnswerBytes}, the largest answer read from any hook.
 * The per-channel hooks (subscribe, publish) are the namespaces' ({@link NamespaceHooksConfig}).
 */
public record HooksConfig(HookConfig connect, HookConfig refresh, HookConfig rpc, Integer maxAnswerBytes) {

  public static final int DEFAULT_MAX_ANSWER_BYTES = 65_536;

  public HooksConfig {
    connect = connect == null ? HookConfig.OFF : connect;
    refresh = refresh == null ? HookConfig.OFF : refresh;
    rpc = rpc == null ? HookConfig.OFF : rpc;
    maxAnswerBytes = maxAnswerBytes == null ? DEFAULT_MAX_ANSWER_BYTES : maxAnswerBytes;
    Check.range("hooks.maxAnswerBytes", maxAnswerBytes, 64, 16 * 1024 * 1024);
    if (refresh.on() && !connect.on()) {
      throw new ConfigException("hooks.refresh is set but hooks.connect is not: only connections whose identity "
          + "came from the connect hook are refreshed.");
    }
  }

  public static HooksConfig defaults() {
    return new HooksConfig(null, null, null, null);
  }
}
