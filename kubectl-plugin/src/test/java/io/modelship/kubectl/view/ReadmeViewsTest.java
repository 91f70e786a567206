package io.modelship.kubectl.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The READMEs (the module's and the project's) show what `get` really prints for the samples. */
class ReadmeViewsTest {

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "../README.md"})
  void readmeShowsTheRenderersOutput(String path) throws IOException {
    String readme = Files.readString(Path.of(path));

    assertThat(readme)
        .contains(
            "$ kubectl modelship get iris -n ml\n"
                + DetailView.render(
                    Samples.resource("canary-progressing.yaml"),
                    Samples.deployments("canary-progressing-deployments.yaml"),
                    Samples.NOW)
                + "```");
    assertThat(readme)
        .contains(
            "$ kubectl modelship get fraud -n ml\n"
                + DetailView.render(
                    Samples.resource("bluegreen-preview.yaml"),
                    Samples.deployments("bluegreen-preview-deployments.yaml"),
                    Samples.NOW)
                + "```");
  }

  @Test
  void moduleReadmeShowsCandidatesAndAdoptPrint() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    var resource = Samples.resource("retraining-better.yaml");

    assertThat(readme)
        .contains(
            "$ kubectl modelship candidates iris -n ml\n"
                + CandidatesView.render(ModelDeploymentView.from(resource), Samples.NOW)
                + "```");
    assertThat(readme)
        .contains(
            "$ kubectl modelship adopt iris -n ml --print\n"
                + Adoption.print(
                    resource, Adoption.choose(ModelDeploymentView.from(resource), null))
                + "```");
  }
}
