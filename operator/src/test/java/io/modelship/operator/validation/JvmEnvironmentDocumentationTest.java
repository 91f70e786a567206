package io.modelship.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.RuntimeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The environment variables the JDK's own {@code java} man page documents, read from the JDK that
 * runs this test, are all refused in {@code spec.runtime.env}: the list is not written from memory.
 */
class JvmEnvironmentDocumentationTest {

  /** A troff code span: {@code \f[CR]NAME\f[R]}. */
  private static final String NAME = "\\\\f\\[CR\\](_*[A-Z][A-Z0-9_]+)\\\\f\\[R\\]";

  private static final List<Pattern> MENTIONS =
      List.of(
          Pattern.compile(NAME + "\\s+(?:launcher\\s+)?(?:environment|system)\\s+variable"),
          Pattern.compile("environment\\s+variable\\s+" + NAME),
          Pattern.compile("\\\\f\\[CR\\]env\\s+(_*[A-Z][A-Z0-9_]+)="));

  static Set<String> documented() throws IOException {
    Path manPage = Path.of(System.getProperty("java.home"), "man", "man1", "java.1");
    assertThat(manPage).as("the JDK running the tests ships its java man page").exists();
    String text = Files.readString(manPage).replaceAll("\\s+", " ");
    var names = new TreeSet<String>();
    for (Pattern mention : MENTIONS) {
      var m = mention.matcher(text);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void everyVariableTheJavaManPageDocumentsIsReserved() throws IOException {
    Set<String> documented = documented();
    assertThat(documented)
        .as("what the parser found")
        .contains("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "CLASSPATH");
    assertThat(documented)
        .allSatisfy(name -> assertThat(RuntimeEnvironment.reserved(name)).as(name).isTrue());
    for (String name : documented) {
      var runtime = new RuntimeSpec();
      runtime.setEnv(List.of(new EnvVar(name, "-XX:-ExitOnOutOfMemoryError", null)));
      assertThat(RuntimeEnvValidation.problem(runtime)).as(name).isPresent();
    }
  }

  /**
   * Read by HotSpot itself (after JAVA_TOOL_OPTIONS, so it wins) though the man page never names
   * it.
   */
  @Test
  void theUndocumentedJavaOptionsVariableIsReservedToo() {
    var runtime = new RuntimeSpec();
    runtime.setEnv(List.of(new EnvVar("_JAVA_OPTIONS", "-javaagent:/mnt/models/agent.jar", null)));
    var problem = RuntimeEnvValidation.problem(runtime).orElseThrow();
    assertThat(problem.reason()).isEqualTo(RuntimeEnvValidation.REASON);
    assertThat(problem.message())
        .contains("_JAVA_OPTIONS")
        .contains("JAVA_TOOL_OPTIONS")
        .doesNotContain("agent.jar");
  }
}
