package io.modelship.kubectl.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README shows what `get` really prints for the canary and blue-green samples. */
class ReadmeViewsTest {

  static final Path README = Path.of("README.md");

  @Test
  void readmeShowsTheRenderersOutput() throws IOException {
    String readme = Files.readString(README);

    assertThat(readme).contains("$ kubectl modelship get iris -n ml\n" + DetailView.render(
        Samples.resource("canary-progressing.yaml"), Samples.deployments("canary-progressing-deployments.yaml"),
        Samples.NOW) + "```");
    assertThat(readme).contains("$ kubectl modelship get fraud -n ml\n" + DetailView.render(
        Samples.resource("bluegreen-preview.yaml"), Samples.deployments("bluegreen-preview-deployments.yaml"),
        Samples.NOW) + "```");
  }
}
