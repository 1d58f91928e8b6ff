package io.rtgw.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link NodeRoutedDeliveryContract} with the memory history store. */
class NodeRoutedMemoryTest extends NodeRoutedDeliveryContract {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(ENV);

  @Override
  protected GatewayExtension gateway() {
    return gateway;
  }

  @BeforeAll
  static void watch() {
    watchDeliveries(gateway);
  }
}
