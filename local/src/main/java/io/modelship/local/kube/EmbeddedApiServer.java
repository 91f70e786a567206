package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.modelship.local.kube.admission.CelRules;
import io.modelship.local.kube.admission.FieldError;
import io.modelship.local.kube.admission.PodSecurity;
import io.modelship.local.kube.admission.SchemaValidation;
import io.modelship.local.kube.auth.AuditLog;
import io.modelship.local.kube.auth.Rbac;
import io.modelship.local.kube.auth.RequestAttributes;
import io.modelship.local.kube.auth.Tls;
import io.modelship.local.kube.auth.Tokens;
import io.modelship.local.kube.auth.UserInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes API on 127.0.0.1 that real kubectl and the Fabric8 clients use: the Fabric8 mock
 * server in CRUD mode (RFC 7386 merge patches) stores the objects, on a loopback port of its own;
 * in front of it, this server answers what the mock does not — {@code /version}, API discovery,
 * server-side tables, HTTP watches, field selectors, Status bodies for errors — and forwards the
 * rest. It listens on the loopback interface only, over TLS with a certificate of its own, and
 * authenticates bearer tokens: the kubeconfig it writes carries the admin token (cluster-admin, in
 * {@code system:masters}); {@link #issueToken} and the TokenRequest API issue ServiceAccount
 * tokens. Every request is authorized by RBAC as kube-apiserver authorizes it and written to the
 * audit log.
 */
public final class EmbeddedApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedApiServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The Kubernetes version the server says it is; kubectl's version dispatcher picks its client by
   * it.
   */
  public static final String KUBERNETES_VERSION = "v1.33.0";

  static final String CONTEXT = "modelship-local";
  private static final long DEFAULT_WATCH_SECONDS = 1800;

  static {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
  }

  private final WatchHub hub = new WatchHub();
  private final KubernetesMockServer mock;
  private final VertxFront front;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient backend =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI mockUri;
  private final ApiCatalog catalog;
  private final OpenApiDocuments openApi;
  private final TableConverter tables = new TableConverter(Clock.systemUTC());
  private final Path kubeconfig;
  private final Clock clock = Clock.systemUTC();
  private final Tokens tokens = new Tokens(clock);
  private final Tls tls;
  private final AuditLog audit;
  private final Path auditFile;

  /**
   * The RBAC policy read from the stored objects, with the count of RBAC changes it was read at: a
   * policy read while a Role or binding was being written must not outlive that write (it would
   * refuse the new binding's subject until the next RBAC change).
   */
  private record CachedPolicy(long generation, Rbac.Policy policy) {}

  private volatile CachedPolicy policy;
  private final java.util.concurrent.atomic.AtomicLong rbacChanges =
      new java.util.concurrent.atomic.AtomicLong();
  private final CelRules celRules = new CelRules();
  private final GarbageCollector gc;

  private EmbeddedApiServer(int port, Path kubeconfig) throws IOException {
    Path home = kubeconfig.toAbsolutePath().getParent();
    tls = Tls.generate(home.resolve("pki"));
    auditFile = home.resolve("logs").resolve("audit.log");
    audit = new AuditLog(auditFile, clock);
    hub.onChange(
        change -> {
          if (change.group().equals("rbac.authorization.k8s.io")) {
            rbacChanges.incrementAndGet();
          }
        });
    gc =
        new GarbageCollector(
            new GarbageCollector.Store() {
              @Override
              public Optional<JsonNode> get(String path) {
                JsonNode object = backendJson(path);
                return object.path("metadata").has("name") ? Optional.of(object) : Optional.empty();
              }

              @Override
              public void delete(String path) {
                backendSend("DELETE", path, null, null);
              }

              @Override
              public void mergePatch(String path, JsonNode patch) {
                backendSend("PATCH", path, "application/merge-patch+json", patch);
              }
            });
    hub.onChange(gc::observe);
    mock =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new java.util.HashMap<>(),
            new LocalApiDispatcher(hub),
            false);
    mock.init(InetAddress.getLoopbackAddress(), 0);
    mockUri = URI.create("http://127.0.0.1:" + mock.getPort());
    catalog =
        new ApiCatalog(
            () -> backendJson("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"));
    openApi = new OpenApiDocuments(catalog);
    front = new VertxFront("127.0.0.1", port, tls, executor, this::handle);
    this.kubeconfig = kubeconfig;
    writeKubeconfig();
  }

  /**
   * Starts the API on {@code port} (0: any free port), writes its kubeconfig and installs the CRDs
   * found in {@code crdDirectory} (YAML files; may be null) and the namespace {@code default}.
   */
  public static EmbeddedApiServer start(int port, Path kubeconfig, Path crdDirectory)
      throws IOException {
    EmbeddedApiServer server = new EmbeddedApiServer(port, kubeconfig);
    Config config = Config.fromKubeconfig(kubeconfig.toFile());
    // The first CRD's CEL rules are compiled with the CEL classes still loading: on a busy machine
    // that takes longer than a client's usual 10 s.
    config.setRequestTimeout(120_000);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .endMetadata()
                  .build())
          .create();
      try (InputStream in = EmbeddedApiServer.class.getResourceAsStream("bootstrap-rbac.yaml")) {
        client.load(in).create();
      }
      if (crdDirectory != null) {
        try (Stream<Path> files = Files.list(crdDirectory)) {
          for (Path file :
              files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
            try (InputStream in = Files.newInputStream(file)) {
              client.load(in).create();
            }
          }
        }
      }
    } catch (RuntimeException | IOException e) {
      server.close();
      throw e;
    }
    return server;
  }

  public URI uri() {
    return URI.create("https://127.0.0.1:" + front.port());
  }

  /**
   * A token for ServiceAccount {@code namespace/name}, as the TokenRequest API issues one (and as a
   * kubelet projects one into a pod), valid for {@code ttl} (at least 10 minutes). The requests it
   * makes are authorized by the RBAC objects bound to that ServiceAccount.
   */
  public Tokens.Issued issueToken(String namespace, String name, Duration ttl) {
    return tokens.issue(namespace, name, ttl);
  }

  /** The PEM of the certificate the API serves, for a client's trust (a pod's {@code ca.crt}). */
  public String certificateAuthority() {
    return tls.certificatePem();
  }

  /** The audit log: one JSON line per request, next to the kubeconfig in {@code logs/audit.log}. */
  public Path auditLog() {
    return auditFile;
  }

  /** Writes a kubeconfig for this API that authenticates with {@code token}. */
  public void writeKubeconfig(Path file, String token) throws IOException {
    writeKubeconfig(file, token, "default");
  }

  /**
   * Writes a kubeconfig for this API that authenticates with {@code token}, its context in {@code
   * namespace}.
   */
  public void writeKubeconfig(Path file, String token, String namespace) throws IOException {
    ObjectNode config = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Config");
    config
        .putArray("clusters")
        .addObject()
        .put("name", CONTEXT)
        .putObject("cluster")
        .put("server", uri().toString())
        .put(
            "certificate-authority-data",
            java.util.Base64.getEncoder()
                .encodeToString(tls.certificatePem().getBytes(StandardCharsets.US_ASCII)));
    config.putArray("users").addObject().put("name", CONTEXT).putObject("user").put("token", token);
    config
        .putArray("contexts")
        .addObject()
        .put("name", CONTEXT)
        .putObject("context")
        .put("cluster", CONTEXT)
        .put("user", CONTEXT)
        .put("namespace", namespace);
    config.put("current-context", CONTEXT);
    config.putObject("preferences");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, new YAMLMapper().writeValueAsString(config));
    try {
      Files.setPosixFilePermissions(
          tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public int port() {
    return front.port();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * A Fabric8 client configured from the written kubeconfig, as the operator and the pods get it.
   */
  public KubernetesClient client() {
    Config config = Config.fromKubeconfig(kubeconfig.toFile());
    // A CRD's CEL rules are compiled when it is created: on a busy machine longer than the usual 10
    // s.
    config.setRequestTimeout(120_000);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private void writeKubeconfig() throws IOException {
    writeKubeconfig(kubeconfig, tokens.adminToken());
  }

  /** An exchange whose protobuf body was read into JSON. */
  private record JsonBody(Exchange delegate, byte[] json) implements Exchange {
    @Override
    public String method() {
      return delegate.method();
    }

    @Override
    public URI uri() {
      return delegate.uri();
    }

    @Override
    public String header(String name) {
      return name.equalsIgnoreCase("Content-Type") ? "application/json" : delegate.header(name);
    }

    @Override
    public byte[] body() {
      return json;
    }

    @Override
    public void warn(String text) {
      delegate.warn(text);
    }

    @Override
    public void respond(int code, String contentType, byte[] body) throws IOException {
      delegate.respond(code, contentType, body);
    }

    @Override
    public EventStream stream() throws IOException {
      return delegate.stream();
    }
  }

  /** An exchange that remembers the code it answered, for the audit log. */
  private static final class Recorded implements Exchange {
    private final Exchange delegate;
    private int code;

    Recorded(Exchange delegate) {
      this.delegate = delegate;
    }

    @Override
    public String method() {
      return delegate.method();
    }

    @Override
    public URI uri() {
      return delegate.uri();
    }

    @Override
    public String header(String name) {
      return delegate.header(name);
    }

    @Override
    public byte[] body() {
      return delegate.body();
    }

    @Override
    public void warn(String text) {
      delegate.warn(text);
    }

    @Override
    public void respond(int code, String contentType, byte[] body) throws IOException {
      this.code = code;
      delegate.respond(code, contentType, body);
    }

    @Override
    public EventStream stream() throws IOException {
      code = 200;
      return delegate.stream();
    }
  }

  private void handle(Exchange exchange) {
    Recorded recorded = new Recorded(exchange);
    URI requestUri = exchange.uri();
    Map<String, String> requestQuery = Selectors.query(requestUri.getRawQuery());
    RequestAttributes attributes =
        RequestAttributes.parse(exchange.method(), requestUri.getRawPath(), requestQuery);
    UserInfo user = UserInfo.ANONYMOUS;
    try {
      switch (tokens.authenticate(exchange.header("Authorization"))) {
        case Tokens.Rejected r -> {
          sendStatus(recorded, 401, "Unauthorized", "Unauthorized");
          return;
        }
        case Tokens.Authenticated a -> user = a.user();
        case Tokens.Anonymous a -> user = UserInfo.ANONYMOUS;
      }
      if (!Rbac.allows(user, attributes, currentPolicy())) {
        sendForbidden(recorded, attributes, Rbac.forbiddenMessage(user, attributes));
        return;
      }
      handle(recorded, user, attributes);
    } catch (IOException e) {
      log.debug("request {} ended: {}", requestUri, e.getMessage());
    } finally {
      audit.record(
          user, attributes, requestUri.toString(), recorded.code == 0 ? 500 : recorded.code);
    }
  }

  private Rbac.Policy currentPolicy() {
    // The change count is taken before the objects are read: a write that lands while they are
    // read leaves this policy marked with the older count, so the next request reads them again.
    long generation = rbacChanges.get();
    CachedPolicy cached = policy;
    if (cached != null && cached.generation() == generation) {
      return cached.policy();
    }
    String rbac = "/apis/rbac.authorization.k8s.io/v1/";
    Rbac.Policy p =
        new Rbac.Policy(
            items(backendJson(rbac + "roles")),
            items(backendJson(rbac + "clusterroles")),
            items(backendJson(rbac + "rolebindings")),
            items(backendJson(rbac + "clusterrolebindings")));
    policy = new CachedPolicy(generation, p);
    return p;
  }

  private static List<JsonNode> items(JsonNode list) {
    List<JsonNode> out = new ArrayList<>();
    list.path("items").forEach(out::add);
    return out;
  }

  private static void sendForbidden(Exchange ex, RequestAttributes request, String message)
      throws IOException {
    ObjectNode status = status(403, "Forbidden", message);
    if (request.resourceRequest()) {
      ObjectNode details = status.putObject("details");
      if (!request.name().isEmpty()) {
        details.put("name", request.name());
      }
      details.put("group", request.apiGroup()).put("kind", request.resource());
    }
    sendJson(ex, 403, status);
  }

  private void handle(Exchange exchange, UserInfo user, RequestAttributes attributes) {
    Exchange ex = exchange;
    try {
      URI uri = ex.uri();
      String path = uri.getRawPath();
      Map<String, String> query = Selectors.query(uri.getRawQuery());
      String method = ex.method();
      String contentType = ex.header("Content-Type");
      if (ProtobufBodies.isProtobuf(contentType) && ex.body().length > 0) {
        // kubectl's typed clients send built-in kinds as protobuf and never retry in JSON.
        byte[] json;
        try {
          json = ProtobufBodies.toJson(ex.body());
        } catch (IllegalArgumentException e) {
          sendStatus(ex, 415, "UnsupportedMediaType", e.getMessage());
          return;
        }
        ex = new JsonBody(ex, json);
      } else if (contentType != null && contentType.contains("protobuf")) {
        sendStatus(
            ex,
            415,
            "UnsupportedMediaType",
            "the local API reads JSON and Kubernetes protobuf, not " + contentType);
        return;
      }
      if (method.equals("GET") && serveNonResource(ex, path)) {
        return;
      }
      Optional<ResourcePath> resourcePath = ResourcePath.parse(path);
      boolean watch = "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
      if (method.equals("GET") && watch && resourcePath.isPresent()) {
        watch(ex, resourcePath.get(), query);
        return;
      }
      if (resourcePath.isPresent()
          && method.equals("POST")
          && AUTHORIZATION_GROUP.equals(resourcePath.get().group())
          && SELF_REVIEWS.contains(resourcePath.get().resource())) {
        selfReview(ex, user, resourcePath.get().resource());
        return;
      }
      if (resourcePath.isPresent()
          && method.equals("POST")
          && resourcePath.get().group().isEmpty()
          && "serviceaccounts".equals(resourcePath.get().resource())
          && "token".equals(resourcePath.get().subresource())) {
        tokenRequest(ex, resourcePath.get());
        return;
      }
      if (resourcePath.isPresent()
          && RBAC_GROUP.equals(resourcePath.get().group())
          && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
        String refusal = escalation(ex, user, resourcePath.get());
        if (refusal != null) {
          sendForbidden(ex, attributes, refusal);
          return;
        }
      }
      if (resourcePath.isPresent()
          && method.equals("DELETE")
          && resourcePath.get().name() != null
          && resourcePath.get().subresource() == null
          && deleteWithPropagation(ex, resourcePath.get(), query)) {
        return;
      }
      if (resourcePath.isPresent()
          && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
          && resourcePath.get().subresource() == null
          && resourcePath.get().namespace() != null
          && !podSecurity(ex, resourcePath.get())) {
        return;
      }
      forward(ex, resourcePath.orElse(null), query);
    } catch (IOException e) {
      log.debug("request {} ended: {}", ex.uri(), e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      log.warn("request {} {} failed", ex.method(), ex.uri(), e);
      try {
        sendStatus(ex, 500, "InternalError", String.valueOf(e.getMessage()));
      } catch (IOException | RuntimeException ignored) {
        // the response had started
      }
    }
  }

  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  private static final String AUTHORIZATION_GROUP = "authorization.k8s.io";
  private static final List<String> SELF_REVIEWS =
      List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews");

  /**
   * {@code POST /apis/authorization.k8s.io/v1/selfsubject(access|rules)reviews}: what the asking
   * user may do, answered from the RBAC objects and never stored, as kube-apiserver answers them
   * (JOSDK asks before it takes the Lease; {@code kubectl auth can-i} asks too). Every
   * authenticated user may ask (ClusterRole {@code system:basic-user}).
   */
  private void selfReview(Exchange ex, UserInfo user, String resource) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(ex.body());
    } catch (IOException e) {
      sendStatus(ex, 400, "BadRequest", "the request body is not JSON: " + e.getMessage());
      return;
    }
    if (body == null || !body.isObject()) {
      sendStatus(ex, 400, "BadRequest", "the request body is not an object");
      return;
    }
    ObjectNode answer = ((ObjectNode) body).deepCopy();
    JsonNode spec = body.path("spec");
    Rbac.Policy p = currentPolicy();
    ObjectNode status = answer.putObject("status");
    if (resource.equals("selfsubjectrulesreviews")) {
      String namespace = spec.path("namespace").asText("");
      List<Rbac.Rule> rules =
          user.inGroup(UserInfo.MASTERS)
              ? List.of(
                  new Rbac.Rule(List.of("*"), List.of("*"), List.of("*"), List.of(), List.of()),
                  new Rbac.Rule(List.of("*"), List.of(), List.of(), List.of(), List.of("*")))
              : Rbac.rulesFor(user, namespace, p);
      ArrayNode resourceRules = status.putArray("resourceRules");
      ArrayNode nonResourceRules = status.putArray("nonResourceRules");
      for (Rbac.Rule rule : rules) {
        if (rule.nonResourceURLs().isEmpty()) {
          ObjectNode r = resourceRules.addObject();
          rule.verbs().forEach(r.putArray("verbs")::add);
          rule.apiGroups().forEach(r.putArray("apiGroups")::add);
          rule.resources().forEach(r.putArray("resources")::add);
          if (!rule.resourceNames().isEmpty()) {
            rule.resourceNames().forEach(r.putArray("resourceNames")::add);
          }
        } else {
          ObjectNode r = nonResourceRules.addObject();
          rule.verbs().forEach(r.putArray("verbs")::add);
          rule.nonResourceURLs().forEach(r.putArray("nonResourceURLs")::add);
        }
      }
      status.put("incomplete", false);
    } else {
      JsonNode ra = spec.path("resourceAttributes");
      JsonNode nra = spec.path("nonResourceAttributes");
      RequestAttributes asked;
      if (ra.isObject()) {
        asked =
            new RequestAttributes(
                ra.path("verb").asText(""),
                true,
                ra.path("group").asText(""),
                ra.path("version").asText(""),
                ra.path("resource").asText(""),
                ra.path("subresource").asText(""),
                ra.path("namespace").asText(""),
                ra.path("name").asText(""),
                "");
      } else if (nra.isObject()) {
        asked =
            new RequestAttributes(
                nra.path("verb").asText(""),
                false,
                "",
                "",
                "",
                "",
                "",
                "",
                nra.path("path").asText(""));
      } else {
        sendStatus(
            ex,
            422,
            "Invalid",
            "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: "
                + "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or "
                + "resourceAttributes must be specified");
        return;
      }
      boolean allowed = Rbac.allows(user, asked, p);
      status.put("allowed", allowed);
      if (allowed) {
        status.put("reason", "RBAC: allowed by the user's bindings");
      }
    }
    sendJson(ex, 201, answer);
  }

  /** {@code POST .../serviceaccounts/NAME/token}: a TokenRequest answered with a new token. */
  private void tokenRequest(Exchange ex, ResourcePath where) throws IOException {
    JsonNode account =
        backendJson("/api/v1/namespaces/" + where.namespace() + "/serviceaccounts/" + where.name());
    if (!account.path("metadata").has("name")) {
      sendStatus(ex, 404, "NotFound", "serviceaccounts \"" + where.name() + "\" not found");
      return;
    }
    JsonNode request = ex.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(ex.body());
    long seconds =
        request.path("spec").path("expirationSeconds").asLong(Tokens.DEFAULT_TTL.toSeconds());
    if (seconds < Tokens.MIN_TTL.toSeconds()) {
      ObjectNode status =
          status(
              422,
              "Invalid",
              "TokenRequest.authentication.k8s.io \""
                  + where.name()
                  + "\" is invalid: spec.expirationSeconds: Invalid value: "
                  + seconds
                  + ": may not specify a duration less than 10 minutes");
      sendJson(ex, 422, status);
      return;
    }
    Tokens.Issued issued =
        tokens.issue(where.namespace(), where.name(), Duration.ofSeconds(seconds));
    ObjectNode answer =
        JSON.createObjectNode()
            .put("kind", "TokenRequest")
            .put("apiVersion", "authentication.k8s.io/v1");
    answer
        .putObject("metadata")
        .put("name", where.name())
        .put("namespace", where.namespace())
        .put(
            "creationTimestamp",
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    ObjectNode spec = answer.putObject("spec");
    spec.set(
        "audiences",
        request.path("spec").path("audiences").isArray()
            ? request.path("spec").path("audiences")
            : JSON.createArrayNode().add("https://kubernetes.default.svc"));
    spec.put("expirationSeconds", seconds);
    answer
        .putObject("status")
        .put("token", issued.token())
        .put(
            "expirationTimestamp",
            issued.expiration().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    sendJson(ex, 201, answer);
  }

  /**
   * RBAC's escalation prevention, as the RBAC storage applies it on create and update: a Role or
   * ClusterRole may grant only what its writer holds (in the Role's namespace) unless the writer
   * may {@code escalate} it; a binding may bind only a role whose rules the writer holds unless it
   * may {@code bind} that role. Null when allowed, else the Forbidden message.
   */
  private String escalation(Exchange ex, UserInfo user, ResourcePath where) throws IOException {
    if (user.inGroup(UserInfo.MASTERS) || where.subresource() != null) {
      return null;
    }
    JsonNode object = newObject(ex, where).orElse(null);
    if (object == null) {
      return null;
    }
    String name =
        object.path("metadata").path("name").asText(where.name() == null ? "" : where.name());
    String namespace = where.namespace() == null ? "" : where.namespace();
    Rbac.Policy current = currentPolicy();
    String what = where.resource() + "." + RBAC_GROUP + " \"" + name + "\" is forbidden: ";
    switch (where.resource()) {
      case "roles", "clusterroles" -> {
        if (Rbac.allows(
            user,
            new RequestAttributes(
                "escalate", true, RBAC_GROUP, "v1", where.resource(), "", namespace, name, ""),
            current)) {
          return null;
        }
        List<Rbac.Rule> granted = new ArrayList<>();
        object.path("rules").forEach(r -> granted.add(Rbac.Rule.of(r)));
        List<Rbac.Rule> missing = Rbac.uncovered(Rbac.rulesFor(user, namespace, current), granted);
        return missing.isEmpty() ? null : what + Rbac.escalationMessage(user, missing);
      }
      case "rolebindings", "clusterrolebindings" -> {
        JsonNode roleRef = object.path("roleRef");
        String roleResource =
            "ClusterRole".equals(roleRef.path("kind").asText()) ? "clusterroles" : "roles";
        if (Rbac.allows(
            user,
            new RequestAttributes(
                "bind",
                true,
                RBAC_GROUP,
                "v1",
                roleResource,
                "",
                namespace,
                roleRef.path("name").asText(),
                ""),
            current)) {
          return null;
        }
        Optional<JsonNode> role = Rbac.roleOf(current, roleRef, namespace);
        if (role.isEmpty()) {
          return what
              + roleResource
              + "."
              + RBAC_GROUP
              + " \""
              + roleRef.path("name").asText()
              + "\" not found";
        }
        List<Rbac.Rule> granted = new ArrayList<>();
        role.get().path("rules").forEach(r -> granted.add(Rbac.Rule.of(r)));
        List<Rbac.Rule> missing = Rbac.uncovered(Rbac.rulesFor(user, namespace, current), granted);
        return missing.isEmpty() ? null : what + Rbac.escalationMessage(user, missing);
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * The object a write would store: the body of a create or update, or the stored object with the
   * patch applied (JSON patch, or merge patch for merge and strategic merge patches). Empty when
   * there is nothing to read or the patched object does not exist.
   */
  private Optional<JsonNode> newObject(Exchange ex, ResourcePath where) throws IOException {
    if (ex.body().length == 0) {
      return Optional.empty();
    }
    JsonNode body = JSON.readTree(ex.body());
    if (!ex.method().equals("PATCH")) {
      return Optional.of(body);
    }
    JsonNode current = currentObject(where).orElse(null);
    if (current == null) {
      return Optional.empty();
    }
    String type = String.valueOf(ex.header("Content-Type"));
    if (type.contains("json-patch")) {
      return Optional.of(io.fabric8.zjsonpatch.JsonPatch.apply(body, current));
    }
    return Optional.of(
        io.modelship.api.testing.MergePatchCrudDispatcher.apply(current.deepCopy(), body));
  }

  private Optional<JsonNode> currentObject(ResourcePath where) {
    if (where.name() == null) {
      return Optional.empty();
    }
    JsonNode current = backendJson(collectionPath(where) + "/" + where.name());
    return current.path("metadata").has("name") ? Optional.of(current) : Optional.empty();
  }

  /**
   * Admission of a custom resource, as kube-apiserver admits it: unknown fields pruned and answered
   * per {@code fieldValidation} (Strict: 400; Warn, the server's default: a Warning header;
   * Ignore), defaults applied, and the object the write would store (with the status subresource's
   * semantics: a write of the main resource keeps the stored status, a write of {@code /status}
   * keeps everything else) validated against the schema and its CEL rules, transition rules against
   * the stored object. Returns the body to store, or null once a refusal was sent.
   */
  private byte[] admitCustomResource(
      Exchange ex, ResourcePath where, ApiResource target, Map<String, String> query)
      throws IOException {
    JsonNode schema = target.schema();
    String method = ex.method();
    boolean jsonPatch = String.valueOf(ex.header("Content-Type")).contains("json-patch");
    JsonNode body = JSON.readTree(ex.body());
    List<String> unknown = jsonPatch ? List.of() : SchemaPruning.prune(body, schema);
    if (!jsonPatch && !method.equals("PATCH")) {
      SchemaValidation.applyDefaults(body, schema);
    }
    JsonNode old = method.equals("POST") ? null : currentObject(where).orElse(null);
    JsonNode updated;
    if (method.equals("PATCH")) {
      if (old == null) {
        return JSON.writeValueAsBytes(body);
      }
      updated =
          jsonPatch
              ? io.fabric8.zjsonpatch.JsonPatch.apply(body, old)
              : io.modelship.api.testing.MergePatchCrudDispatcher.apply(
                  old.deepCopy(), JSON.readTree(ex.body()));
      // Unknown fields are those of the patched object, as kube-apiserver decodes it: a merge
      // patch's null for a field the object never had (kubectl apply removing it) is none.
      unknown = SchemaPruning.prune(updated, schema);
      SchemaValidation.applyDefaults(updated, schema);
    } else {
      updated = body.deepCopy();
    }
    String fieldValidation = query.getOrDefault("fieldValidation", "Warn");
    if (!unknown.isEmpty() && fieldValidation.equalsIgnoreCase("Strict")) {
      String fields =
          unknown.stream()
              .map(f -> "unknown field \"" + f + "\"")
              .collect(Collectors.joining(", "));
      sendStatus(
          ex,
          400,
          "BadRequest",
          target.kind()
              + " in version \""
              + target.version()
              + "\" cannot be handled as a "
              + target.kind()
              + ": strict decoding error: "
              + fields);
      return null;
    }
    if (fieldValidation.equalsIgnoreCase("Warn")) {
      unknown.forEach(f -> ex.warn("unknown field \"" + f + "\""));
    }
    if (updated instanceof ObjectNode object
        && target.subresources().contains("status")
        && old != null) {
      if ("status".equals(where.subresource())) {
        ObjectNode kept = old.deepCopy();
        if (object.has("status")) {
          kept.set("status", object.get("status"));
        } else {
          kept.remove("status");
        }
        updated = kept;
      } else if (where.subresource() == null) {
        if (old.has("status")) {
          object.set("status", old.get("status"));
        } else {
          object.remove("status");
        }
      }
    } else if (updated instanceof ObjectNode object
        && target.subresources().contains("status")
        && method.equals("POST")) {
      object.remove("status");
    }
    List<FieldError> errors = new ArrayList<>(SchemaValidation.validate(updated, schema));
    errors.addAll(celRules.validate(updated, old, schema));
    if (!errors.isEmpty()) {
      String name =
          updated.path("metadata").path("name").asText(where.name() == null ? "" : where.name());
      sendInvalid(
          ex, target.kind() + "." + target.group(), target.group(), target.kind(), name, errors);
      return null;
    }
    return JSON.writeValueAsBytes(body);
  }

  /**
   * A CRD whose CEL rules do not compile is refused with the compiler's errors, as kube-apiserver
   * refuses it.
   */
  private boolean admitDefinition(Exchange ex) throws IOException {
    JsonNode crd = JSON.readTree(ex.body());
    List<FieldError> errors = new ArrayList<>();
    JsonNode versions = crd.path("spec").path("versions");
    for (int i = 0; i < versions.size(); i++) {
      JsonNode schema = versions.get(i).path("schema").path("openAPIV3Schema");
      if (schema.isObject()) {
        errors.addAll(
            celRules.compileErrors(schema, "spec.versions[" + i + "].schema.openAPIV3Schema"));
      }
    }
    if (errors.isEmpty()) {
      return true;
    }
    sendInvalid(
        ex,
        "CustomResourceDefinition.apiextensions.k8s.io",
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        crd.path("metadata").path("name").asText(),
        errors);
    return false;
  }

  /** kube-apiserver's 422 Invalid Status, with a cause per field error. */
  private static void sendInvalid(
      Exchange ex,
      String qualifiedKind,
      String group,
      String kind,
      String name,
      List<FieldError> errors)
      throws IOException {
    String all =
        errors.size() == 1
            ? errors.getFirst().text()
            : errors.stream().map(FieldError::text).collect(Collectors.joining(", ", "[", "]"));
    ObjectNode status =
        status(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + all);
    ObjectNode details =
        status.putObject("details").put("name", name).put("group", group).put("kind", kind);
    ArrayNode causes = details.putArray("causes");
    errors.forEach(
        e ->
            causes
                .addObject()
                .put("reason", e.reason())
                .put("message", e.body())
                .put("field", e.field()));
    sendJson(ex, 422, status);
  }

  /**
   * A DELETE with {@code propagationPolicy} {@code Orphan} (or {@code orphanDependents=true}) or
   * {@code Foreground}, from the query or the DeleteOptions body; false for the default
   * (background: the collector deletes the dependents once it sees the owner gone), which the
   * caller forwards as usual.
   */
  private boolean deleteWithPropagation(Exchange ex, ResourcePath where, Map<String, String> query)
      throws IOException {
    String propagation = query.get("propagationPolicy");
    JsonNode options = ex.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(ex.body());
    if (propagation == null) {
      propagation = options.path("propagationPolicy").asText(null);
    }
    if (propagation == null
        && ("true".equals(query.get("orphanDependents"))
            || options.path("orphanDependents").asBoolean(false))) {
      propagation = "Orphan";
    }
    if (propagation == null || propagation.equals("Background")) {
      return false;
    }
    JsonNode current = currentObject(where).orElse(null);
    if (current == null) {
      return false;
    }
    String uid = current.path("metadata").path("uid").asText();
    switch (propagation) {
      case "Orphan" -> {
        gc.orphan(uid);
        return false;
      }
      case "Foreground" -> {
        ArrayNode finalizers = JSON.createArrayNode();
        current.path("metadata").path("finalizers").forEach(finalizers::add);
        if (finalizers
            .valueStream()
            .noneMatch(f -> f.asText().equals(GarbageCollector.FOREGROUND))) {
          finalizers.add(GarbageCollector.FOREGROUND);
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("metadata").set("finalizers", finalizers);
        String path = collectionPath(where) + "/" + where.name();
        backendSend("PATCH", path, "application/merge-patch+json", patch);
        forward(ex, where, query);
        gc.deleteInForeground(path, uid, Duration.ofMinutes(2));
        return true;
      }
      default -> {
        sendStatus(
            ex,
            400,
            "BadRequest",
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: "
                + "Unsupported value: \""
                + propagation
                + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        return true;
      }
    }
  }

  /**
   * Pod Security admission: a Pod that breaks its namespace's {@code enforce} level is refused with
   * kube-apiserver's reasons, one that breaks its {@code warn} level is warned about; a workload
   * object (Deployment, Job, …) whose pod template breaks either level is warned about, as
   * kube-apiserver warns, and stored. True when the request may go on.
   */
  private boolean podSecurity(Exchange ex, ResourcePath where) throws IOException {
    boolean pod = where.group().isEmpty() && where.resource().equals("pods");
    if (!pod
        && PodSecurity.template(where.group(), where.resource(), JSON.createObjectNode()) == null) {
      return true;
    }
    if (pod
        && ex.method().equals("PATCH")
        && String.valueOf(ex.header("Content-Type")).contains("strategic")) {
      return true; // a strategic merge of containers is not computed here; creates and updates are
      // checked
    }
    JsonNode labels =
        backendJson("/api/v1/namespaces/" + where.namespace()).path("metadata").path("labels");
    String enforce = labels.path(PodSecurity.ENFORCE).asText("privileged");
    String warn = labels.path(PodSecurity.WARN).asText("privileged");
    if (enforce.equals("privileged") && warn.equals("privileged")) {
      return true;
    }
    JsonNode object = newObject(ex, where).orElse(null);
    if (object == null) {
      return true;
    }
    JsonNode spec =
        pod ? object.path("spec") : PodSecurity.template(where.group(), where.resource(), object);
    if (pod && !ex.method().equals("POST")) {
      JsonNode old = currentObject(where).orElse(null);
      if (old != null && old.path("spec").equals(spec)) {
        return true; // an update that leaves the spec alone is not evaluated
      }
    }
    String enforcePolicy =
        PodSecurity.policy(enforce, labels.path(PodSecurity.ENFORCE + "-version").asText(null));
    List<String> enforced = PodSecurity.violations(spec, enforce);
    if (pod && !enforced.isEmpty()) {
      String name =
          object.path("metadata").path("name").asText(where.name() == null ? "" : where.name());
      ObjectNode status =
          status(
              403,
              "Forbidden",
              "pods \""
                  + name
                  + "\" is forbidden: violates PodSecurity \""
                  + enforcePolicy
                  + "\": "
                  + String.join(", ", enforced));
      status.putObject("details").put("name", name).put("kind", "pods");
      sendJson(ex, 403, status);
      return false;
    }
    java.util.Set<String> warnings = new java.util.LinkedHashSet<>();
    if (!enforced.isEmpty()) {
      warnings.add(
          "would violate PodSecurity \"" + enforcePolicy + "\": " + String.join(", ", enforced));
    }
    List<String> warned = PodSecurity.violations(spec, warn);
    if (!warned.isEmpty()) {
      warnings.add(
          "would violate PodSecurity \""
              + PodSecurity.policy(warn, labels.path(PodSecurity.WARN + "-version").asText(null))
              + "\": "
              + String.join(", ", warned));
    }
    warnings.forEach(ex::warn);
    return true;
  }

  private void backendSend(String method, String path, String contentType, JsonNode body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(mockUri.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      backend.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Discovery, version and health; false when the path is not one of them. */
  private boolean serveNonResource(Exchange ex, String path) throws IOException {
    String p =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    String[] s = p.split("/");
    JsonNode body = null;
    if (p.equals("/version")) {
      body =
          JSON.createObjectNode()
              .put("major", "1")
              .put("minor", "33")
              .put("gitVersion", KUBERNETES_VERSION)
              .put("gitCommit", "modelship-local")
              .put("gitTreeState", "clean")
              .put("buildDate", "2026-01-01T00:00:00Z")
              .put("goVersion", "n/a")
              .put("compiler", "java")
              .put("platform", "linux/amd64");
    } else if (p.equals("/api")) {
      body = catalog.coreVersions("127.0.0.1:" + port());
    } else if (p.equals("/apis")) {
      body = catalog.groups();
    } else if (p.equals("/api/v1")) {
      body = catalog.resourceList("", "v1").orElse(null);
    } else if (s.length == 3 && s[1].equals("apis")) {
      body = catalog.group(s[2]).orElse(null);
      if (body == null) {
        sendStatus(ex, 404, "NotFound", "the server could not find the requested resource");
        return true;
      }
    } else if (s.length == 4 && s[1].equals("apis")) {
      body = catalog.resourceList(s[2], s[3]).orElse(null);
      if (body == null) {
        sendStatus(ex, 404, "NotFound", "the server could not find the requested resource");
        return true;
      }
    } else if (p.equals("/healthz") || p.equals("/livez") || p.equals("/readyz")) {
      send(ex, 200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
      return true;
    } else if (p.equals("/openapi/v3")) {
      body = openApi.index();
    } else if (p.startsWith("/openapi/v3/")) {
      body = openApi.document(p.substring("/openapi/v3/".length())).orElse(null);
      if (body == null) {
        sendStatus(ex, 404, "NotFound", "no OpenAPI document for " + p);
        return true;
      }
    } else if (p.equals("/openapi/v2")) {
      // As kube-apiserver answers it: Go's mime parser refuses the '@' of the requested type.
      send(ex, 200, "application/octet-stream", OpenApiDocuments.v2());
      return true;
    } else if (p.startsWith("/openapi") || p.startsWith("/swagger")) {
      sendStatus(ex, 404, "NotFound", "only OpenAPI v3 discovery is served by the local API");
      return true;
    }
    if (body == null) {
      return false;
    }
    sendJson(ex, 200, body);
    return true;
  }

  private void forward(Exchange ex, ResourcePath where, Map<String, String> query)
      throws IOException {
    String method = ex.method();
    String fieldSelector = query.get("fieldSelector");
    String rawQuery = ex.uri().getRawQuery();
    if (method.equals("GET") && fieldSelector != null) {
      rawQuery =
          Stream.of(rawQuery.split("&"))
              .filter(q -> !q.startsWith("fieldSelector="))
              .collect(Collectors.joining("&"));
    }
    byte[] requestBody = ex.body();
    String requestType = ex.header("Content-Type");
    boolean write = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (where != null && requestBody.length > 0 && write && requestType != null) {
      ApiResource target =
          catalog.find(where.group(), where.version(), where.resource()).orElse(null);
      if (target != null && target.schema() != null) {
        requestBody = admitCustomResource(ex, where, target, query);
        if (requestBody == null) {
          return;
        }
      } else if (where.group().equals("apiextensions.k8s.io")
          && where.resource().equals("customresourcedefinitions")
          && where.subresource() == null
          && !method.equals("PATCH")) {
        if (!admitDefinition(ex)) {
          return;
        }
      }
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                mockUri.resolve(
                    ex.uri().getRawPath()
                        + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery)))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                requestBody.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(requestBody));
    String contentType = ex.header("Content-Type");
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.header("Accept", "application/json");
    HttpResponse<byte[]> response;
    try {
      response = backend.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    int code = response.statusCode();
    byte[] body = response.body();
    if (code == 409 && method.equals("POST") && where != null && where.name() == null) {
      // The mock says Invalid with the object's name quoted oddly; kubectl prints an API server's
      // AlreadyExists as `Error from server (AlreadyExists): configmaps "x" already exists`.
      String name = JSON.readTree(requestBody).path("metadata").path("name").asText("");
      String what =
          catalog
              .find(where.group(), where.version(), where.resource())
              .map(r -> r.group().isEmpty() ? r.plural() : r.plural() + "." + r.group())
              .orElse(where.resource());
      ObjectNode status = status(409, "AlreadyExists", what + " \"" + name + "\" already exists");
      status
          .putObject("details")
          .put("name", name)
          .put("kind", where.resource())
          .put("group", where.group());
      sendJson(ex, 409, status);
      return;
    }
    if (code < 300
        && body.length == 0
        && where != null
        && where.name() != null
        && (method.equals("PATCH") || method.equals("PUT"))) {
      // The write removed the last finalizer of an object being deleted, so the mock deleted it
      // and answered nothing; an API server answers with the object as it was last stored.
      Optional<JsonNode> gone =
          hub.lastDeleted(where.group(), where.resource(), where.namespace(), where.name());
      if (gone.isPresent()) {
        sendJson(ex, 200, gone.get());
        return;
      }
    }
    if (code >= 400 && (body.length == 0 || body[0] != '{')) {
      sendStatus(ex, code, reason(code), message(code, where));
      return;
    }
    if (!method.equals("GET") || code != 200 || where == null) {
      send(
          ex, code, response.headers().firstValue("Content-Type").orElse("application/json"), body);
      return;
    }
    JsonNode json = JSON.readTree(body);
    if (fieldSelector != null && json.has("items")) {
      Predicate<JsonNode> fields = Selectors.fields(fieldSelector);
      ArrayNode kept = JSON.createArrayNode();
      json.path("items")
          .forEach(
              item -> {
                if (fields.test(item)) {
                  kept.add(item);
                }
              });
      ((ObjectNode) json).set("items", kept);
    }
    Optional<ApiResource> resource = catalog.find(where.group(), where.version(), where.resource());
    if (TableConverter.wantsTable(ex.header("Accept"))
        && resource.isPresent()
        && where.subresource() == null) {
      List<JsonNode> objects = new ArrayList<>();
      if (json.has("items")) {
        json.path("items").forEach(objects::add);
      } else {
        objects.add(json);
      }
      String rv = json.path("metadata").path("resourceVersion").asText(null);
      sendJson(ex, 200, tables.table(resource.get(), objects, rv, query.get("includeObject")));
      return;
    }
    if (json.has("items") && resource.isPresent()) {
      // The mock leaves out the list's kind for some resources; clients decode by it.
      ObjectNode list = (ObjectNode) json;
      list.put("kind", resource.get().kind() + "List")
          .put("apiVersion", resource.get().groupVersion());
    }
    sendJson(ex, 200, json);
  }

  private static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 422 -> "Invalid";
      default -> "InternalError";
    };
  }

  private String message(int code, ResourcePath where) {
    if (code == 404 && where != null && where.name() != null) {
      String what =
          catalog
              .find(where.group(), where.version(), where.resource())
              .map(r -> r.group().isEmpty() ? r.plural() : r.plural() + "." + r.group())
              .orElse(where.resource());
      return what + " \"" + where.name() + "\" not found";
    }
    return code == 404
        ? "the server could not find the requested resource"
        : "request failed with " + code;
  }

  private void watch(Exchange ex, ResourcePath where, Map<String, String> query)
      throws IOException {
    Predicate<JsonNode> filter =
        Selectors.labels(query.get("labelSelector"))
            .and(Selectors.fields(query.get("fieldSelector")));
    if (where.namespace() != null) {
      filter =
          filter.and(o -> where.namespace().equals(o.path("metadata").path("namespace").asText()));
    }
    if (where.name() != null) {
      filter = filter.and(o -> where.name().equals(o.path("metadata").path("name").asText()));
    }
    Optional<ApiResource> resource = catalog.find(where.group(), where.version(), where.resource());
    boolean table = TableConverter.wantsTable(ex.header("Accept")) && resource.isPresent();
    String includeObject = query.get("includeObject");
    long timeout =
        Math.min(
            parseLong(query.get("timeoutSeconds"), DEFAULT_WATCH_SECONDS), DEFAULT_WATCH_SECONDS);
    String rv = query.getOrDefault("resourceVersion", "");
    long from = rv.isEmpty() ? 0 : parseLong(rv, 0);
    WatchHub.Subscription subscription;
    try {
      subscription = hub.subscribe(from);
    } catch (WatchHub.ExpiredException e) {
      Exchange.EventStream out = ex.stream();
      ObjectNode event = JSON.createObjectNode().put("type", "ERROR");
      event.set("object", status(410, "Expired", e.getMessage()));
      out.send(event.toString());
      return;
    }
    try (subscription) {
      Exchange.EventStream out = ex.stream();
      long skipUpTo = 0;
      if (from == 0) {
        // No version given: the current objects first, as synthetic ADDED events.
        String list = collectionPath(where);
        JsonNode current =
            backendJson(
                list
                    + (query.containsKey("labelSelector")
                        ? "?labelSelector="
                            + java.net.URLEncoder.encode(
                                query.get("labelSelector"), StandardCharsets.UTF_8)
                        : ""));
        skipUpTo = current.path("metadata").path("resourceVersion").asLong(0);
        for (JsonNode item : current.path("items")) {
          if (filter.test(item)) {
            writeEvent(out, "ADDED", item, resource, table, includeObject);
          }
        }
      }
      long deadline = System.nanoTime() + timeout * 1_000_000_000L;
      while (System.nanoTime() < deadline && out.isOpen()) {
        WatchHub.Change change =
            subscription.next(
                Math.min(2000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        if (change == null) {
          if (subscription.isClosed()) {
            break;
          }
          continue;
        }
        if (change.resourceVersion() <= skipUpTo
            || !change.group().equals(where.group())
            || !change.resource().equals(where.resource())) {
          continue;
        }
        boolean was = change.oldObject() != null && filter.test(change.oldObject());
        boolean is = change.newObject() != null && filter.test(change.newObject());
        String type = was && is ? "MODIFIED" : was ? "DELETED" : is ? "ADDED" : null;
        if (type == null) {
          continue;
        }
        writeEvent(
            out,
            type,
            is ? change.newObject() : change.oldObject(),
            resource,
            table,
            includeObject);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeEvent(
      Exchange.EventStream out,
      String type,
      JsonNode object,
      Optional<ApiResource> resource,
      boolean table,
      String includeObject)
      throws IOException {
    ObjectNode event = JSON.createObjectNode().put("type", type);
    event.set(
        "object",
        table
            ? tables.table(
                resource.orElseThrow(),
                List.of(object),
                object.path("metadata").path("resourceVersion").asText(null),
                includeObject)
            : object);
    out.send(event.toString());
  }

  private static String collectionPath(ResourcePath where) {
    String prefix =
        where.group().isEmpty()
            ? "/api/" + where.version()
            : "/apis/" + where.group() + "/" + where.version();
    return prefix
        + (where.namespace() == null ? "" : "/namespaces/" + where.namespace())
        + "/"
        + where.resource();
  }

  private JsonNode backendJson(String pathAndQuery) {
    try {
      HttpResponse<byte[]> response =
          backend.send(
              HttpRequest.newBuilder(mockUri.resolve(pathAndQuery))
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null || s.isEmpty() ? fallback : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static ObjectNode status(int code, String reason, String message) {
    ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    return status
        .put("status", "Failure")
        .put("message", message)
        .put("reason", reason)
        .put("code", code);
  }

  private static void sendStatus(Exchange ex, int code, String reason, String message)
      throws IOException {
    sendJson(ex, code, status(code, reason, message));
  }

  private static void sendJson(Exchange ex, int code, JsonNode body) throws IOException {
    send(ex, code, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void send(Exchange ex, int code, String contentType, byte[] body)
      throws IOException {
    ex.respond(code, contentType, body);
  }

  @Override
  public void close() {
    gc.close();
    hub.close();
    front.close();
    executor.shutdownNow();
    mock.destroy();
    audit.close();
  }
}
