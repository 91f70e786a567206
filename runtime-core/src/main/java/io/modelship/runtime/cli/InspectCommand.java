package io.modelship.runtime.cli;

import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code inspect}: verifies a package and prints its manifest summary. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Verify a model package (checksum, allow-list, features) and print its summary.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Package: folder, .tar.gz or .zip (path or URI).")
    String uri;

    @Override
    public Integer call() {
        ModelPackage pkg = ModelPackage.load(uri, null, LocalPackages.options());
        ModelManifest m = pkg.manifest();
        System.out.printf("name:        %s%n", m.name());
        System.out.printf("version:     %s%n", m.version());
        System.out.printf("format:      %s (%s, %s)%n", m.format(), m.task(), m.algorithm());
        System.out.printf("artifact:    %s sha256 %s (verified)%n", m.artifact().file(), m.artifact().sha256());
        if (!pkg.packageSha256().equals(m.artifact().sha256())) {
            System.out.printf("package:     sha256 %s%n", pkg.packageSha256());
        }
        System.out.printf("target:      %s%n", m.target());
        System.out.printf("labels:      %s%n", String.join(", ", m.labels()));
        System.out.printf("features:    %d%n", m.featureCount());
        for (ModelManifest.Feature f : m.features()) {
            System.out.printf(Locale.ROOT, "  - %-24s %s [%s, %s]%n", f.name(), f.type(), f.min(), f.max());
        }
        if (m.metrics() != null) {
            System.out.printf(Locale.ROOT, "accuracy:    %.4f on %d rows (%s)%n", m.metrics().holdoutAccuracy(),
                    m.metrics().testRows(), m.metrics().holdout());
        }
        System.out.printf("reference:   %s%n", m.reference() == null ? "none (drift cannot be measured)"
                : m.reference().features().size() + " feature distributions and the prediction distribution");
        System.out.printf("created:     %s%n", m.createdAt());
        return 0;
    }
}
