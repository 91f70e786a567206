package io.modelship.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real browser for the pages' tests: Debian's headless {@code chromium}, driven over the Chrome
 * DevTools protocol (a WebSocket, JDK client) so a test can load a page, wait until its script has
 * drawn what it should, read the DOM's text, collect console messages (a Content-Security-Policy
 * violation is one) and take a full-page screenshot. Nothing but the page's own server is loaded.
 */
public final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> console = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  /**
   * The chromium binary: CHROMIUM, else chromium or chromium-browser on PATH, else
   * /usr/bin/chromium.
   */
  public static Optional<Path> find() {
    String env = System.getenv("CHROMIUM");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(
            Stream.of(path.split(java.io.File.pathSeparator))
                .filter(d -> !d.isBlank())
                .flatMap(d -> Stream.of(Path.of(d, "chromium"), Path.of(d, "chromium-browser"))),
            Stream.of(Path.of("/usr/bin/chromium")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Starts the browser with one page of this size (CSS pixels). */
  public static HeadlessChromium start(Path binary, int width, int height) throws IOException {
    Path profile = Files.createTempDirectory("modelship-chromium");
    var command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height,
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--disable-extensions",
                "--disable-sync",
                "--disable-background-networking",
                "--disable-component-update",
                "--hide-scrollbars",
                "--force-color-profile=srgb",
                "--lang=en-US"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--no-sandbox"); // Chromium refuses to run its sandbox as root (CI containers)
    }
    command.add("about:blank");
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String browserUrl = awaitListening(process);
      URI browser = URI.create(browserUrl);
      var http = HttpClient.newHttpClient();
      String pageSocket = null;
      Instant deadline = Instant.now().plusSeconds(20);
      while (pageSocket == null && Instant.now().isBefore(deadline)) {
        var list =
            JSON.readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://"
                                        + browser.getHost()
                                        + ":"
                                        + browser.getPort()
                                        + "/json/list"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
        for (JsonNode target : list) {
          if ("page".equals(target.path("type").asText())) {
            pageSocket = target.path("webSocketDebuggerUrl").asText();
            break;
          }
        }
        if (pageSocket == null) {
          Thread.sleep(100);
        }
      }
      if (pageSocket == null) {
        throw new IOException("chromium opened no page");
      }
      return new HeadlessChromium(process, profile, http, URI.create(pageSocket));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException(e);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static String awaitListening(Process process) throws IOException {
    // stderr is read on its own thread for good: chromium keeps writing to it, and a full pipe
    // would stall it.
    var url = new CompletableFuture<String>();
    var lines = new CopyOnWriteArrayList<String>();
    Thread.ofPlatform()
        .daemon()
        .name("chromium-stderr")
        .start(
            () -> {
              try (var reader =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  lines.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    url.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                // the browser went away; the wait below reports it
              }
              url.completeExceptionally(
                  new IOException("chromium exited before listening: " + String.join("\n", lines)));
            });
    try {
      return url.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(
          "chromium did not start its DevTools endpoint: "
              + e.getMessage()
              + "\n"
              + String.join("\n", lines),
          e);
    }
  }

  private HeadlessChromium(Process process, Path profile, HttpClient http, URI pageSocket)
      throws IOException {
    this.process = process;
    this.profile = profile;
    this.socket = http.newWebSocketBuilder().buildAsync(pageSocket, new Listener()).join();
    call("Page.enable", Map.of());
    call("Runtime.enable", Map.of());
    call("Log.enable", Map.of());
    call("Network.enable", Map.of());
  }

  /** Loads a URL and waits for its load event. */
  public void navigate(String url) {
    call("Page.navigate", Map.of("url", url));
    waitFor("document.readyState === 'complete'", Duration.ofSeconds(20));
  }

  /** Evaluates a JavaScript expression in the page; its value as JSON (null for undefined). */
  public JsonNode evaluate(String expression) {
    JsonNode result =
        call(
            "Runtime.evaluate",
            Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("page script failed: " + result.path("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** The page's visible text (document.body.innerText). */
  public String text() {
    return evaluate("document.body ? document.body.innerText : ''").asText();
  }

  /** Polls a JavaScript condition until it is true; fails with the page's text when it never is. */
  public void waitFor(String condition, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode value;
      try {
        value = evaluate("!!(" + condition + ")");
      } catch (IllegalStateException e) {
        value = null;
      }
      if (value != null && value.asBoolean()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "the page never satisfied "
                + condition
                + " within "
                + timeout
                + "; console: "
                + console
                + "; text:\n"
                + text());
      }
      sleep(100);
    }
  }

  /** Waits until the page's text satisfies the predicate; returns that text. */
  public String waitForText(Predicate<String> expected, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String text = text();
    while (!expected.test(text)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "the page's text never matched within "
                + timeout
                + "; console: "
                + console
                + "; text:\n"
                + text);
      }
      sleep(100);
      text = text();
    }
    return text;
  }

  /** Console messages and browser log entries so far ("level: text"), e.g. a CSP violation. */
  public List<String> console() {
    return List.copyOf(console);
  }

  /** The URL of every request the page made so far (documents, fetches, event streams). */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** A PNG of the whole page (not only the window), written to the file. */
  public Path screenshot(Path file) throws IOException {
    JsonNode metrics = call("Page.getLayoutMetrics", Map.of());
    JsonNode size = metrics.path("cssContentSize");
    int width = (int) Math.ceil(size.path("width").asDouble());
    int height = (int) Math.ceil(size.path("height").asDouble());
    JsonNode shot =
        call(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                "captureBeyondViewport",
                true,
                "clip",
                Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    return file;
  }

  /** Sends one DevTools command and waits for its result. */
  public JsonNode call(String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    var answer = new CompletableFuture<JsonNode>();
    pending.put(id, answer);
    try {
      socket.sendText(JSON.writeValueAsString(message), true).join();
      JsonNode response = answer.get(30, TimeUnit.SECONDS);
      if (response.has("error")) {
        throw new IllegalStateException(method + " failed: " + response.path("error"));
      }
      return response.path("result");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(method + " got no answer from chromium", e);
    } finally {
      pending.remove(id);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          dispatch(JSON.readTree(text));
        } catch (IOException e) {
          console.add("test harness: unreadable DevTools message " + e);
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  private void dispatch(JsonNode message) {
    if (message.has("id")) {
      var answer = pending.get(message.path("id").asInt());
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    String method = message.path("method").asText();
    JsonNode params = message.path("params");
    if (method.equals("Runtime.consoleAPICalled")) {
      var parts = new ArrayList<String>();
      params
          .path("args")
          .forEach(
              a ->
                  parts.add(
                      a.has("value") ? a.path("value").asText() : a.path("description").asText()));
      console.add(params.path("type").asText() + ": " + String.join(" ", parts));
    } else if (method.equals("Runtime.exceptionThrown")) {
      console.add(
          "exception: "
              + params
                  .path("exceptionDetails")
                  .path("exception")
                  .path("description")
                  .asText(params.path("exceptionDetails").path("text").asText()));
    } else if (method.equals("Network.requestWillBeSent")) {
      requests.add(params.path("request").path("url").asText());
    } else if (method.equals("Log.entryAdded")) {
      JsonNode entry = params.path("entry");
      console.add(
          entry.path("level").asText()
              + ": "
              + entry.path("text").asText()
              + (entry.hasNonNull("url") ? " (" + entry.path("url").asText() + ")" : ""));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary profile left behind is harmless
    }
  }
}
