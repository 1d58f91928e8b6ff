package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * No Kubernetes cluster exists here to apply deploy/k8s/ to, so the manifests are checked against the
 * code: the ConfigMap holds the conf/ files and they load with the real ConfigLoader under each pod's
 * environment (so every GATEWAY_ variable names a real setting), container ports are the ones the
 * configuration listens on, probe paths answer on a running gateway, the grace period covers the drain
 * window, and the Services select pods that have the ports they target.
 */
class K8sManifestsTest {

  private static final Path K8S = Path.of("k8s");
  private static final String CONF_MOUNT = "/app/conf";
  /** What a valueFrom field (pod IP, namespace) stands for while loading a pod's configuration here. */
  private static final String FIELD_VALUE = "10.1.2.3";
  /** Time beyond preStop + drain for the Vert.x and Hazelcast member to stop. */
  private static final long STOP_MARGIN_SECONDS = 5;

  @TempDir
  static Path dir;
  private static List<Map<String, Object>> documents;

  @BeforeAll
  static void parse() throws IOException {
    documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
          assertThat(doc).as(file + " holds only objects").isInstanceOf(Map.class);
          documents.add(map(doc));
        }
      }
    }
  }

  @Test
  void there_is_a_deployment_per_role_a_headless_and_a_client_service_budgets_and_an_autoscaler() {
    assertThat(names("Deployment")).containsExactlyInAnyOrder("rtgw-connection", "rtgw-core");
    assertThat(names("Service")).containsExactlyInAnyOrder("rtgw-members", "rtgw");
    assertThat(names("PodDisruptionBudget")).containsExactlyInAnyOrder("rtgw-connection", "rtgw-core");
    assertThat(names("HorizontalPodAutoscaler")).containsExactly("rtgw-connection");
    assertThat(names("ConfigMap")).containsExactly("rtgw-conf");
    Map<String, Object> headless = map(kind("Service", "rtgw-members").get("spec"));
    assertThat(headless.get("clusterIP")).isEqualTo("None");
    assertThat(headless.get("publishNotReadyAddresses")).as("members find each other before they are ready").isEqualTo(true);
    assertThat(map(kind("Service", "rtgw").get("spec")).get("sessionAffinity")).isEqualTo("None");
  }

  @Test
  void the_config_map_holds_the_conf_files_unchanged() throws IOException {
    Map<String, Object> data = map(kind("ConfigMap", "rtgw-conf").get("data"));
    for (Map.Entry<String, Object> e : data.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(Files.readString(Path.of("../conf", e.getKey())));
    }
    Path xml = dir.resolve("cluster.xml");
    Files.writeString(xml, (String) data.get("cluster.xml"));
    assertThat(ClusterFactory.load(xml.toString()).getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void each_pod_configuration_loads_with_its_environment_and_listens_on_its_container_ports() throws IOException {
    for (Map<String, Object> deployment : all("Deployment")) {
      String name = name(deployment);
      Map<String, Object> pod = pod(deployment);
      Map<String, Object> container = container(deployment);
      GatewayConfig config = podConfig(deployment);
      Gateway.validate(config);
      Map<String, Integer> ports = containerPorts(container);
      assertThat(config.cluster().enabled()).as(name).isTrue();
      assertThat(config.cluster().kubernetesServiceDns()).as(name + " discovers members through the headless Service")
          .startsWith("rtgw-members.");
      assertThat(ports.get("hazelcast")).as(name).isEqualTo(config.cluster().port());
      assertThat(ports.get("eventbus")).as(name).isEqualTo(config.cluster().busPort());
      if (config.roles().connection().enabled()) {
        assertThat(ports.get("http")).as(name).isEqualTo(config.http().port());
      } else {
        assertThat(ports).as(name + " runs no HTTP server").doesNotContainKey("http");
      }
      List<Map<String, Object>> mounts = list(container.get("volumeMounts"));
      assertThat(mounts).extracting(m -> m.get("mountPath")).as(name).contains(CONF_MOUNT);
      assertThat(list(pod.get("volumes"))).extracting(v -> map(v.get("configMap")).get("name")).as(name).contains("rtgw-conf");
    }
  }

  @Test
  void probes_target_ports_the_container_has_and_paths_a_running_gateway_answers() {
    Gateway gateway = TestGateways.start();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      for (Map<String, Object> deployment : all("Deployment")) {
        Map<String, Object> container = container(deployment);
        Map<String, Integer> ports = containerPorts(container);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
          Map<String, Object> p = map(container.get(probe));
          assertThat(p).as(name(deployment) + " " + probe).isNotNull();
          Map<String, Object> check = p.containsKey("httpGet") ? map(p.get("httpGet")) : map(p.get("tcpSocket"));
          assertThat(check).as(name(deployment) + " " + probe + " is httpGet or tcpSocket").isNotNull();
          assertThat(ports).as(name(deployment) + " " + probe + " port").containsKey((String) check.get("port"));
          if (p.containsKey("httpGet")) {
            String path = (String) check.get("path");
            assertThat(http.get(path).status()).as(path + " on a serving gateway").isEqualTo(200);
          }
        }
      }
    } finally {
      WsClient.await(gateway.stop());
    }
  }

  @Test
  void the_grace_period_covers_the_pre_stop_pause_and_the_drain_window() throws IOException {
    for (Map<String, Object> deployment : all("Deployment")) {
      GatewayConfig config = podConfig(deployment);
      long grace = ((Number) pod(deployment).get("terminationGracePeriodSeconds")).longValue();
      long preStop = preStopSleepSeconds(container(deployment));
      long drain = config.roles().connection().enabled() ? (config.http().drainMs() + 999) / 1000 : 0;
      assertThat(grace).as(name(deployment) + ": preStop " + preStop + " s + drain " + drain + " s + " + STOP_MARGIN_SECONDS + " s")
          .isGreaterThanOrEqualTo(preStop + drain + STOP_MARGIN_SECONDS);
    }
  }

  @Test
  void services_and_budgets_select_pods_that_exist_and_services_target_their_ports() {
    for (Map<String, Object> service : all("Service")) {
      Map<String, Object> spec = map(service.get("spec"));
      List<Map<String, Object>> selected = selectedPods(map(spec.get("selector")));
      assertThat(selected).as(name(service) + " selects some pods").isNotEmpty();
      for (Map<String, Object> port : list(spec.get("ports"))) {
        for (Map<String, Object> deployment : selected) {
          assertThat(containerPorts(container(deployment))).as(name(service) + " -> " + name(deployment))
              .containsKey((String) port.get("targetPort"));
        }
      }
    }
    for (String kind : List.of("PodDisruptionBudget", "HorizontalPodAutoscaler")) {
      for (Map<String, Object> object : all(kind)) {
        Map<String, Object> spec = map(object.get("spec"));
        if (spec.containsKey("selector")) {
          assertThat(selectedPods(map(map(spec.get("selector")).get("matchLabels")))).as(name(object)).hasSize(1);
        } else {
          assertThat(names("Deployment")).as(name(object)).contains((String) map(spec.get("scaleTargetRef")).get("name"));
        }
      }
    }
  }

  @Test
  void the_dockerfile_ships_the_jar_and_conf_where_the_manifests_expect_them() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(dockerfile).contains("COPY deploy/target/gateway.jar /app/gateway.jar").contains("WORKDIR /app")
        .contains("COPY conf/ " + CONF_MOUNT + "/").contains("\"-jar\", \"/app/gateway.jar\"");
  }

  // the configuration a pod runs: its args' file from the ConfigMap, its env with fields filled in

  private static GatewayConfig podConfig(Map<String, Object> deployment) throws IOException {
    Map<String, Object> container = container(deployment);
    List<?> args = (List<?>) container.get("args");
    assertThat(args).as(name(deployment) + " args").hasSize(1);
    String file = (String) args.get(0);
    assertThat(file).as(name(deployment)).startsWith("conf/");
    String key = file.substring("conf/".length());
    Map<String, Object> data = map(kind("ConfigMap", "rtgw-conf").get("data"));
    assertThat(data).as(name(deployment) + " runs a file the ConfigMap holds").containsKey(key);
    Path copy = dir.resolve(name(deployment) + "-" + key);
    Files.writeString(copy, (String) data.get(key));
    Map<String, String> env = new HashMap<>();
    for (Map<String, Object> var : list(container.get("env"))) {
      String value = var.containsKey("valueFrom") ? FIELD_VALUE : String.valueOf(var.get("value"));
      env.put((String) var.get("name"), value.replace("$(POD_NAMESPACE)", "default"));
    }
    return ConfigLoader.load(copy.toString(), env);
  }

  private static long preStopSleepSeconds(Map<String, Object> container) {
    Map<String, Object> lifecycle = map(container.get("lifecycle"));
    if (lifecycle == null) {
      return 0;
    }
    List<?> command = (List<?>) map(map(lifecycle.get("preStop")).get("exec")).get("command");
    assertThat(command.get(0)).isEqualTo("sleep");
    return Long.parseLong((String) command.get(1));
  }

  private static List<Map<String, Object>> selectedPods(Map<String, Object> selector) {
    return all("Deployment").stream()
        .filter(d -> map(map(map(map(d.get("spec")).get("template")).get("metadata")).get("labels")).entrySet()
            .containsAll(selector.entrySet()))
        .toList();
  }

  private static Map<String, Integer> containerPorts(Map<String, Object> container) {
    Map<String, Integer> ports = new HashMap<>();
    for (Map<String, Object> p : list(container.get("ports"))) {
      ports.put((String) p.get("name"), ((Number) p.get("containerPort")).intValue());
    }
    return ports;
  }

  private static Map<String, Object> pod(Map<String, Object> deployment) {
    return map(map(map(deployment.get("spec")).get("template")).get("spec"));
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    List<Map<String, Object>> containers = list(pod(deployment).get("containers"));
    assertThat(containers).as(name(deployment)).hasSize(1);
    return containers.get(0);
  }

  private static List<Map<String, Object>> all(String kind) {
    return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> kind(String kind, String name) {
    return all(kind).stream().filter(d -> name.equals(name(d))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static List<String> names(String kind) {
    return all(kind).stream().map(K8sManifestsTest::name).toList();
  }

  private static String name(Map<String, Object> object) {
    return (String) map(object.get("metadata")).get("name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return o == null ? List.of() : (List<Map<String, Object>>) o;
  }
}
