package io.rtgw.deploy.fault;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One {@link ProcessCluster} per test class: started before the first test, killed after the last, and
 * every process's log tail printed when a test fails (a fault test's failure is usually explained by
 * what one of the processes logged).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClusterExtension cluster = new ClusterExtension(() -> ProcessCluster.builder("x").nodes("core", 1).nodes("connection", 2));
 * }</pre>
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private static final int LOG_LINES = 60;

  private final Supplier<ProcessCluster.Builder> builder;
  private ProcessCluster cluster;

  public ClusterExtension(Supplier<ProcessCluster.Builder> builder) {
    this.builder = builder;
  }

  public ProcessCluster get() {
    if (cluster == null) {
      throw new IllegalStateException("the cluster is not started (use the extension as a static field)");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = builder.get().start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (cluster != null) {
      System.out.println("===== " + context.getDisplayName() + " failed (" + cause + "); process logs in " + cluster.dir());
      cluster.printLogs(LOG_LINES);
    }
  }
}
