package io.modelship.local.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.modelship.api.gateway.GatewayApi;
import io.modelship.local.pods.PodRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays kube-proxy and a Gateway on this machine: one loopback port per Service (each {@code
 * <name>}, {@code <name>-preview} and per-version Service the operator creates), forwarding each
 * request round robin to a ready pod the Service selects; and one port per HTTPRoute, which applies
 * the route's rules — header matches, weighted backendRefs, RequestMirror — before the chosen
 * Service's round robin. A Service with a port named {@code grpc} gets a second loopback port that
 * forwards h2c connections to its pods' gRPC ports ({@link H2cForwarder}). What the operator and
 * the pod runner write is re-read as it changes (by watch) and every half second.
 */
public final class LocalProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalProxy.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A listening port: a Service or an HTTPRoute. */
  public record Endpoint(String kind, String namespace, String name, int port) {
    public String url() {
      return "http://127.0.0.1:" + port;
    }

    /** {@code host:port}, the form gRPC clients take as their target. */
    public String address() {
      return "127.0.0.1:" + port;
    }
  }

  /**
   * The Service port name the operator gives the runtime's gRPC port (appProtocol
   * kubernetes.io/h2c).
   */
  static final String GRPC_PORT_NAME = "grpc";

  private final KubernetesClient client;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  static {
    ClientConnections.keepIdleBriefly();
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .executor(executor)
          .build();
  private final ScheduledExecutorService refresh =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("local-proxy").factory());
  private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
  private volatile Map<String, List<Integer>> readyPorts = Map.of();

  /**
   * Per Service, the gRPC ports of the pods {@link #readyPorts} lists (those that announced one).
   */
  private volatile Map<String, List<Integer>> readyGrpcPorts = Map.of();

  private final Map<String, GrpcListener> grpcListeners = new ConcurrentHashMap<>();

  /**
   * The Services whose endpoints are kept: those that exist, and those deleted while a route still
   * names them ({@link #retired}).
   */
  private Map<String, Service> endpointServices = Map.of();

  private Set<String> retired = Set.of();

  /** For a Service with no pod to send to: which pods its selector picked, and why none serves. */
  private volatile Map<String, String> noPodReasons = Map.of();

  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final AtomicBoolean watchesOpen = new AtomicBoolean();
  private final AtomicBoolean refreshPending = new AtomicBoolean();
  private volatile boolean closed;

  private final Duration resync;

  public LocalProxy(KubernetesClient client) {
    this(client, Duration.ofMillis(500));
  }

  /** {@code resync}: how often everything is re-read besides the watches' changes. */
  LocalProxy(KubernetesClient client, Duration resync) {
    this.client = client;
    this.resync = resync;
  }

  public LocalProxy start() {
    refresh.scheduleWithFixedDelay(
        this::refreshSafely, 0, resync.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * As kube-proxy follows EndpointSlices by watch: a change to a Pod, Service or HTTPRoute is
   * re-read at once, not at the next half-second look, so a pod that has just turned Ready (and
   * that the operator and its clients may already count) gets requests within milliseconds. The
   * half-second look stays as the resync, and as the fallback while a watch is being re-opened.
   */
  private void watch() {
    if (closed) {
      return;
    }
    List<Watch> opened = new ArrayList<>();
    try {
      opened.add(client.pods().inAnyNamespace().watch(new Changes<>()));
      opened.add(client.services().inAnyNamespace().watch(new Changes<>()));
      opened.add(
          client
              .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
              .inAnyNamespace()
              .watch(new Changes<>()));
      watches.addAll(opened);
    } catch (KubernetesClientException e) {
      log.debug("router watch: {}", e.getMessage());
      opened.forEach(Watch::close);
      watchesOpen.set(false);
    }
  }

  private void refreshSoon() {
    if (refreshPending.compareAndSet(false, true) && !closed) {
      try {
        refresh.execute(
            () -> {
              refreshPending.set(false);
              refreshSafely();
            });
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private final class Changes<T> implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T resource) {
      refreshSoon();
    }

    @Override
    public void onClose(WatcherException cause) {
      // Open them all again at the next look; meanwhile the half-second look serves.
      watches.forEach(Watch::close);
      watches.clear();
      watchesOpen.set(false);
    }
  }

  /** The ports open now. */
  public List<Endpoint> endpoints() {
    return listeners.values().stream()
        .map(l -> l.endpoint)
        .sorted(Comparator.comparing(Endpoint::name))
        .toList();
  }

  public Optional<Endpoint> service(String namespace, String name) {
    return Optional.ofNullable(listeners.get("Service/" + namespace + "/" + name))
        .map(l -> l.endpoint);
  }

  /** How many pods the Service sends to now (as its EndpointSlices would list them). */
  public int podsBehind(String namespace, String service) {
    return readyPorts.getOrDefault(namespace + "/" + service, List.of()).size();
  }

  /** The gRPC ports open now, one per Service with a {@code grpc} port. */
  public List<Endpoint> grpcEndpoints() {
    return grpcListeners.values().stream()
        .map(GrpcListener::endpoint)
        .sorted(Comparator.comparing(Endpoint::name))
        .toList();
  }

  /**
   * The loopback port forwarding h2c to the Service's pods, if the Service has a {@code grpc} port.
   */
  public Optional<Endpoint> grpcService(String namespace, String name) {
    return Optional.ofNullable(grpcListeners.get(namespace + "/" + name))
        .map(GrpcListener::endpoint);
  }

  public Optional<Endpoint> route(String namespace, String name) {
    return Optional.ofNullable(listeners.get("HTTPRoute/" + namespace + "/" + name))
        .map(l -> l.endpoint);
  }

  private void refreshSafely() {
    try {
      if (watchesOpen.compareAndSet(false, true)) {
        watch();
      }
      refresh();
    } catch (KubernetesClientException e) {
      log.debug("router refresh: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("router refresh failed", e);
    }
  }

  void refresh() {
    List<Service> svcs = client.services().inAnyNamespace().list().getItems();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    Map<String, JsonNode> routes = new HashMap<>();
    for (GenericKubernetesResource r :
        client
            .genericKubernetesResources(GatewayApi.HTTP_ROUTE)
            .inAnyNamespace()
            .list()
            .getItems()) {
      routes.put(
          r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), JSON.valueToTree(r));
    }
    Map<String, Service> byKey = new HashMap<>();
    for (Service s : svcs) {
      byKey.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
    }
    // A Service deleted while a route still names it keeps its endpoints until no route names it:
    // at a rollback's end the operator deletes the canary's Service and then rewrites the route,
    // and a request picked for the canary by the route in force must still find its pods (they
    // drain for seconds), not a 503. "Names" counts the rules the listeners apply now, too: they
    // route requests until the rules read here replace them below, after the endpoints are
    // published, so the two always agree.
    Map<String, Service> retired = new HashMap<>();
    Set<String> named = namedByRoutes(routes);
    for (Map.Entry<String, Service> e : this.endpointServices.entrySet()) {
      if (!byKey.containsKey(e.getKey()) && named.contains(e.getKey())) {
        retired.put(e.getKey(), e.getValue());
        if (!this.retired.contains(e.getKey())) {
          log.info(
              "Service {} is gone; its pods stay behind the routes that still name it", e.getKey());
        }
      }
    }
    this.retired = Set.copyOf(retired.keySet());
    Map<String, Service> withRetired = new HashMap<>(retired);
    withRetired.putAll(byKey);
    Map<String, List<Integer>> readyPorts = new HashMap<>();
    Map<String, List<Integer>> readyGrpcPorts = new HashMap<>();
    Map<String, String> noPodReasons = new HashMap<>();
    for (Map.Entry<String, Service> entry : withRetired.entrySet()) {
      String key = entry.getKey();
      Service s = entry.getValue();
      Map<String, String> selector = s.getSpec() == null ? null : s.getSpec().getSelector();
      List<Pod> picked =
          pods.stream()
              .filter(p -> p.getMetadata().getNamespace().equals(s.getMetadata().getNamespace()))
              .filter(
                  p ->
                      selector != null
                          && !selector.isEmpty()
                          && p.getMetadata().getLabels() != null
                          && p.getMetadata()
                              .getLabels()
                              .entrySet()
                              .containsAll(selector.entrySet()))
              .toList();
      List<Pod> selected = picked.stream().filter(LocalProxy::serving).toList();
      // As kube-proxy does (ProxyTerminatingEndpoints, GA in 1.28): terminating pods that still
      // serve only when the Service has no ready pod, e.g. for a route not yet re-read after the
      // operator took a retired version's weight away and scaled it down in the same reconcile.
      List<Pod> ready =
          selected.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      List<Integer> ports =
          (ready.isEmpty() ? selected : ready)
              .stream()
                  .map(
                      p ->
                          Integer.parseInt(
                              p.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION)))
                  .sorted()
                  .toList();
      readyPorts.put(key, ports);
      readyGrpcPorts.put(
          key,
          (ready.isEmpty() ? selected : ready)
              .stream()
                  .map(p -> p.getMetadata().getAnnotations().get(PodRunner.GRPC_PORT_ANNOTATION))
                  .filter(Objects::nonNull)
                  .map(Integer::parseInt)
                  .sorted()
                  .toList());
      if (ports.isEmpty()) {
        noPodReasons.put(key, noPodReason(selector, picked));
      }
    }
    endpointServices = withRetired;
    this.readyPorts = readyPorts;
    this.readyGrpcPorts = readyGrpcPorts;
    noPodReasons.forEach(
        (key, why) -> {
          if (!why.equals(this.noPodReasons.get(key)) && listeners.containsKey("Service/" + key)) {
            log.info("Service {} has no pod to send to: {}", key, why);
          }
        });
    this.noPodReasons = noPodReasons;
    for (String key : byKey.keySet()) {
      listeners.computeIfAbsent("Service/" + key, k -> open("Service", key));
    }
    routes.forEach(
        (key, route) -> {
          Listener l = listeners.computeIfAbsent("HTTPRoute/" + key, k -> open("HTTPRoute", key));
          if (l != null) {
            l.setRoute(route);
          }
        });
    byKey.forEach(
        (key, svc) -> {
          if (hasGrpcPort(svc)) {
            grpcListeners.computeIfAbsent(key, this::openGrpc);
          }
        });
    for (String key : List.copyOf(grpcListeners.keySet())) {
      if (!byKey.containsKey(key) || !hasGrpcPort(byKey.get(key))) {
        GrpcListener gone = grpcListeners.remove(key);
        if (gone != null) {
          gone.forwarder().close();
        }
      }
    }
    for (Map.Entry<String, Listener> e : listeners.entrySet()) {
      String[] parts = e.getKey().split("/", 2);
      boolean gone =
          parts[0].equals("Service") ? !byKey.containsKey(parts[1]) : !routes.containsKey(parts[1]);
      if (gone) {
        listeners.remove(e.getKey()).close();
      }
    }
  }

  /**
   * The Services ({@code namespace/name}) that the routes read now, or the rules the route
   * listeners apply now, send or mirror to.
   */
  private Set<String> namedByRoutes(Map<String, JsonNode> routes) {
    Set<String> named = new HashSet<>();
    routes.forEach(
        (key, route) -> {
          String namespace = key.substring(0, key.indexOf('/'));
          RouteRules.of(route).services().forEach(s -> named.add(namespace + "/" + s));
        });
    for (Listener l : listeners.values()) {
      RouteRules applied = l.rules;
      if (applied != null) {
        applied.services().forEach(s -> named.add(l.endpoint.namespace() + "/" + s));
      }
    }
    return named;
  }

  private static String noPodReason(Map<String, String> selector, List<Pod> picked) {
    if (selector == null || selector.isEmpty()) {
      return "it has no selector";
    }
    if (picked.isEmpty()) {
      return "its selector " + selectorText(selector) + " matches no pod";
    }
    return picked.stream()
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getName()))
        .map(
            p ->
                p.getMetadata().getName()
                    + " ("
                    + String.join(
                        ", ",
                        Stream.of(
                                serving(p) ? null : "not Ready",
                                p.getMetadata().getDeletionTimestamp() == null
                                    ? null
                                    : "terminating")
                            .filter(Objects::nonNull)
                            .toList())
                    + ")")
        .collect(
            Collectors.joining(", ", "its selector " + selectorText(selector) + " matches ", ""));
  }

  private static String selectorText(Map<String, String> selector) {
    return new TreeMap<>(selector)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  /** Ready, terminating or not: an EndpointSlice's {@code serving}. */
  private static boolean serving(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
        && p.getMetadata().getAnnotations() != null
        && p.getMetadata().getAnnotations().get(PodRunner.PORT_ANNOTATION) != null;
  }

  private static boolean hasGrpcPort(Service s) {
    return s.getSpec() != null
        && s.getSpec().getPorts() != null
        && s.getSpec().getPorts().stream().anyMatch(p -> GRPC_PORT_NAME.equals(p.getName()));
  }

  private record GrpcListener(Endpoint endpoint, H2cForwarder forwarder) {}

  private GrpcListener openGrpc(String key) {
    String[] nsName = key.split("/", 2);
    try {
      H2cForwarder forwarder = new H2cForwarder(key, executor, () -> grpcTarget(key));
      Endpoint endpoint = new Endpoint("Service", nsName[0], nsName[1], forwarder.port());
      log.info("Service {} port grpc (h2c) → {}", key, endpoint.address());
      return new GrpcListener(endpoint, forwarder);
    } catch (IOException e) {
      log.warn("cannot open a gRPC port for Service {}: {}", key, e.getMessage());
      return null;
    }
  }

  /**
   * The pod a new gRPC connection to the Service goes to, round robin per connection as
   * kube-proxy's.
   */
  private H2cForwarder.Target grpcTarget(String key) {
    List<Integer> ports = readyGrpcPorts.getOrDefault(key, List.of());
    if (ports.isEmpty()) {
      return new H2cForwarder.NoPod(
          readyPorts.getOrDefault(key, List.of()).isEmpty()
              ? noPodReasons.getOrDefault(key, "it is not known here")
              : "its ready pods announce no gRPC port");
    }
    AtomicInteger next = roundRobin.computeIfAbsent("grpc " + key, k -> new AtomicInteger());
    return new H2cForwarder.Pod(ports.get(Math.floorMod(next.getAndIncrement(), ports.size())));
  }

  private Listener open(String kind, String key) {
    try {
      return new Listener(kind, key);
    } catch (IOException e) {
      log.warn("cannot open a port for {} {}: {}", kind, key, e.getMessage());
      return null;
    }
  }

  /** Forwards to one ready pod of the Service, round robin; empty when none is ready. */
  Optional<HttpResponse<byte[]>> toService(
      String namespace, String service, HttpExchange ex, byte[] body)
      throws IOException, InterruptedException {
    String key = namespace + "/" + service;
    List<Integer> ports = readyPorts.getOrDefault(key, List.of());
    if (ports.isEmpty()) {
      return Optional.empty();
    }
    AtomicInteger next = roundRobin.computeIfAbsent(key, k -> new AtomicInteger());
    int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
    return Optional.of(
        send(
            port,
            ex.getRequestMethod(),
            ex.getRequestURI().toString(),
            ex.getRequestHeaders().getFirst("Content-Type"),
            body));
  }

  private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

  private HttpResponse<byte[]> send(
      int port, String method, String pathAndQuery, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private final class Listener implements AutoCloseable {
    final Endpoint endpoint;
    final HttpServer server;
    volatile RouteRules rules;
    volatile String routeJson = "";

    Listener(String kind, String key) throws IOException {
      String[] nsName = key.split("/", 2);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      server.setExecutor(executor);
      server.createContext("/", this::handle);
      server.start();
      endpoint = new Endpoint(kind, nsName[0], nsName[1], server.getAddress().getPort());
      log.info("{} {} → {}", kind, key, endpoint.url());
    }

    void setRoute(JsonNode route) {
      String json = route.path("spec").toString();
      if (!json.equals(routeJson)) {
        routeJson = json;
        rules = RouteRules.of(route);
      }
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        byte[] body = ex.getRequestBody().readAllBytes();
        String service = endpoint.name();
        Optional<String> mirror = Optional.empty();
        if (endpoint.kind().equals("HTTPRoute")) {
          Map<String, String> headers = new HashMap<>();
          ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.getFirst()));
          RouteRules current = rules;
          Optional<RouteRules.Decision> decision =
              current == null
                  ? Optional.empty()
                  : current.route(ex.getRequestURI().getPath(), headers);
          if (decision.isEmpty()) {
            reply(
                ex,
                404,
                ("{\"error\":\"no rule of HTTPRoute " + endpoint.name() + " matches\"}")
                    .getBytes(StandardCharsets.UTF_8),
                "application/json");
            return;
          }
          service = decision.get().backend().service();
          mirror = decision.get().mirrorTo();
        }
        mirror.ifPresent(
            m ->
                executor.submit(
                    () -> {
                      try {
                        toService(endpoint.namespace(), m, ex, body);
                      } catch (IOException | InterruptedException e) {
                        log.debug("mirror to {} failed: {}", m, e.getMessage());
                      }
                      return null;
                    }));
        Optional<HttpResponse<byte[]>> response =
            toService(endpoint.namespace(), service, ex, body);
        if (response.isEmpty()) {
          String why =
              noPodReasons.getOrDefault(
                  endpoint.namespace() + "/" + service, "it is not known here");
          reply(
              ex,
              503,
              JSON.writeValueAsBytes(
                  Map.of("error", "no ready pod behind service " + service + ": " + why)),
              "application/json");
          return;
        }
        HttpResponse<byte[]> r = response.get();
        reply(
            ex,
            r.statusCode(),
            r.body(),
            r.headers().firstValue("Content-Type").orElse("application/json"));
      } catch (IOException e) {
        try {
          reply(
              ex,
              502,
              ("{\"error\":\"pod did not answer: " + e.getMessage() + "\"}")
                  .getBytes(StandardCharsets.UTF_8),
              "application/json");
        } catch (IOException ignored) {
          // the client went away
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // Never a connection closed without an answer: the client would not know what happened.
        log.warn("{} {}: forwarding failed", endpoint.kind(), endpoint.name(), e);
        try {
          reply(
              ex,
              502,
              ("{\"error\":\"router failed: " + e + "\"}").getBytes(StandardCharsets.UTF_8),
              "application/json");
        } catch (IOException | RuntimeException ignored) {
          // the answer had started
        }
      }
    }

    private void reply(HttpExchange ex, int code, byte[] body, String contentType)
        throws IOException {
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        ex.getResponseBody().write(body);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Override
  public void close() {
    closed = true;
    watches.forEach(Watch::close);
    watches.clear();
    refresh.shutdownNow();
    listeners.values().forEach(Listener::close);
    listeners.clear();
    grpcListeners.values().forEach(l -> l.forwarder().close());
    grpcListeners.clear();
    executor.shutdownNow();
  }
}
