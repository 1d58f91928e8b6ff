package io.rtgw.protocol.config;

/**
 * A namespace's hooks ({@link HookConfig}): {@code subscribe}, asked before a client subscribes to one of
 * its channels (after the namespace's own rules let it), and {@code publish}, asked before a client's
 * message is fanned out (it may refuse it or replace its data).
 */
public record NamespaceHooksConfig(HookConfig subscribe, HookConfig publish) {

  public static final NamespaceHooksConfig OFF = new NamespaceHooksConfig(null, null);

  public NamespaceHooksConfig {
    subscribe = subscribe == null ? HookConfig.OFF : subscribe;
    publish = publish == null ? HookConfig.OFF : publish;
  }
}
