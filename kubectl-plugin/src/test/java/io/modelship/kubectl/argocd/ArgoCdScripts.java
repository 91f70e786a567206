package io.modelship.kubectl.argocd;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.kubectl.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the committed Argo CD Lua scripts with Debian's lua5.1, as Argo CD calls them. */
final class ArgoCdScripts {

  static final Path DIR =
      Path.of(System.getProperty("argocd.dir", "../argocd"))
          .resolve("resource_customizations/modelship.io/ModelDeployment");
  static final List<String> ACTIONS =
      List.of("promote", "promote-full", "abort", "retry", "retrain", "adopt");
  static final ObjectMapper JSON = new ObjectMapper();

  private final Path lua;
  private final Path work;

  ArgoCdScripts(Path work) {
    this.lua =
        ExternalTool.require("run the Argo CD Lua scripts as Argo CD's Lua 5.1 does", "lua5.1");
    this.work = work;
  }

  Map<String, Object> health(Map<String, Object> resource) {
    return run(DIR.resolve("health.lua"), resource, null);
  }

  Map<String, Object> discovery(Map<String, Object> resource) {
    return run(DIR.resolve("actions/discovery.lua"), resource, null);
  }

  Map<String, Object> action(String name, Map<String, Object> resource, String fixedUtcTime) {
    return run(DIR.resolve("actions/" + name + "/action.lua"), resource, fixedUtcTime);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> run(Path script, Map<String, Object> resource, String fixedUtcTime) {
    try {
      Path object = Files.createTempFile(work, "obj", ".lua");
      Files.writeString(object, "return " + LuaTable.literal(resource) + "\n");
      var command =
          new ArrayList<>(
              List.of(lua.toString(), harness().toString(), script.toString(), object.toString()));
      if (fixedUtcTime != null) {
        command.add(fixedUtcTime);
      }
      Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(script + " failed under lua5.1: " + err);
      }
      return JSON.readValue(out, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Path harness() {
    try {
      return Path.of(ArgoCdScripts.class.getResource("/lua/harness.lua").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
