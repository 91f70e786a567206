package io.modelship.format.smile;

import io.modelship.runtime.cli.ContributedCommand;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.server.ServeConfig;
import io.modelship.runtime.training.LabeledTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: trains the example iris model and serves it on localhost, printing what to try. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Train the example iris model from examples/data/iris.csv and serve it on localhost.")
public final class DemoCommand implements ContributedCommand {

  @Option(names = "--data", defaultValue = "examples/data/iris.csv", description = "Training CSV.")
  Path data;

  @Option(names = "--target", defaultValue = "species", description = "Label column.")
  String target;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default 8080).")
  int port;

  @Override
  public Integer call() throws Exception {
    Path out = Files.createTempDirectory("modelship-demo-").resolve("iris-1.0.0.tar.gz");
    Trainer.Result result =
        new Trainer()
            .train(
                new Trainer.Request(
                    LabeledTable.read(data, target, null),
                    null,
                    "iris",
                    "1.0.0",
                    Algorithm.RANDOM_FOREST,
                    100,
                    10,
                    42));
    ModelManifest manifest = SmileFormat.writePackage(result, out);
    System.out.printf(
        Locale.ROOT,
        "trained iris 1.0.0 (random forest, 100 trees): holdout accuracy %.3f%n",
        manifest.metrics().holdoutAccuracy());
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("MODEL_URI", out.toString());
    env.put("HOST", "127.0.0.1");
    env.put("PORT", Integer.toString(port));
    ServingApp app = new ServingApp(ServeConfig.fromEnvironment(env).validate()).startReady();
    String base = "http://127.0.0.1:" + app.port();
    System.out.println(
        """

                Serving the iris model at %1$s  (dashboard: %1$s/ , Ctrl-C stops)

                  curl -s %1$s/predict -H 'Content-Type: application/json' \\
                       -d '{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}'
                  curl -s %1$s/v2/models/iris/infer -H 'Content-Type: application/json' \\
                       -d '{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP64","data":[6.7,3.0,5.2,2.3]}]}'
                  curl -s %1$s/drift
                """
            .formatted(base));
    app.awaitShutdown();
    return 0;
  }
}
