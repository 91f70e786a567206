package io.modelship.runtime.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import smile.classification.Classifier;
import smile.classification.DataFrameClassifier;
import smile.classification.LogisticRegression;
import smile.data.type.StructField;

/**
 * A loaded, verified model: its manifest and a ready {@link Predictor}. Loading refuses anything
 * inconsistent (manifest, checksum, class allow-list, feature count, labels) with a message that
 * names the problem.
 */
public record ModelPackage(ModelManifest manifest, Predictor predictor, Path location, String packageSha256) {

    public static final String MANIFEST_FILE = "model.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public List<String> featureNames() {
        return manifest.features().stream().map(ModelManifest.Feature::name).toList();
    }

    /** Options of the loader; defaults suit a pod with an emptyDir at /tmp. */
    public record LoadOptions(PackageSource source, PackageArchive archive, Path workDir) {

        /** Three download attempts with 30 s timeouts; archives may unpack to at most 4x the download limit. */
        public static LoadOptions of(Path pvcRoot, Path workDir, long maxDownloadBytes) {
            return new LoadOptions(new PackageSource(pvcRoot, workDir, maxDownloadBytes, 3, Duration.ofSeconds(30)),
                    new PackageArchive(maxDownloadBytes * 4, 1000), workDir);
        }
    }

    /**
     * Resolves, unpacks, verifies and deserialises the package at {@code uri}.
     *
     * @param expectedSha256 optional: sha256 of the archive the URI names, or of the artifact when
     *     the URI is a directory
     */
    public static ModelPackage load(String uri, String expectedSha256, LoadOptions options) {
        Path local = options.source().resolve(uri);
        Path dir;
        String sha;
        if (Files.isDirectory(local)) {
            dir = local;
            sha = null;
        } else {
            try {
                sha = ArtifactCodec.sha256(local);
                checkExpected(expectedSha256, sha, "package " + uri);
                dir = unpack(local, options);
            } finally {
                if (options.source().isDownload(local)) {
                    deleteQuietly(local); // unpacked (or refused): the archive only takes emptyDir space
                }
            }
        }
        dir = packageRoot(dir);
        ModelManifest manifest = readManifest(dir);
        Path artifact = dir.resolve(manifest.artifact().file()).normalize();
        if (!artifact.startsWith(dir.normalize()) || !Files.isRegularFile(artifact)) {
            throw new ModelPackageException("artifact '" + manifest.artifact().file() + "' named in model.json"
                    + " is missing from the package");
        }
        if (sha == null) {
            checkExpected(expectedSha256, manifest.artifact().sha256(), "artifact " + artifact.getFileName());
        }
        Object model = ArtifactCodec.read(artifact, manifest.artifact().sha256());
        checkAgreesWithManifest(model, manifest);
        List<String> names = manifest.features().stream().map(ModelManifest.Feature::name).toList();
        Predictor predictor = CompiledForest.compile(model, manifest.labels().size())
                .<Predictor>map(p -> p).orElseGet(() -> SmilePredictor.of(model, names));
        return new ModelPackage(manifest, predictor, local,
                sha != null ? sha : manifest.artifact().sha256());
    }

    public static ModelManifest readManifest(Path dir) {
        Path file = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelPackageException("model package has no " + MANIFEST_FILE + " (looked in " + dir + ")");
        }
        try {
            return JSON.readValue(file.toFile(), ModelManifest.class).validate();
        } catch (JsonProcessingException e) {
            throw new ModelPackageException(MANIFEST_FILE + " is not valid: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelPackageException("cannot read " + MANIFEST_FILE + ": " + e.getMessage(), e);
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }

    private static void checkExpected(String expected, String actual, String what) {
        if (expected != null && !expected.isBlank() && !expected.trim().equalsIgnoreCase(actual)) {
            throw new ModelPackageException("checksum mismatch for " + what + ": expected sha256 " + expected.trim()
                    + " but it has " + actual + "; refusing to load it");
        }
    }

    private static Path unpack(Path archive, LoadOptions options) {
        try {
            Files.createDirectories(options.workDir());
            Path target = Files.createTempDirectory(options.workDir(), "model-");
            options.archive().extract(archive, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder to unpack the model into", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: the file is in the pod's scratch space either way
        }
    }

    /** Archives made with {@code tar -C parent dir} hold one top folder; look inside it. */
    private static Path packageRoot(Path dir) {
        if (Files.isRegularFile(dir.resolve(MANIFEST_FILE))) {
            return dir;
        }
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> entries = children.toList();
            if (entries.size() == 1 && Files.isDirectory(entries.getFirst())) {
                return entries.getFirst();
            }
        } catch (IOException e) {
            throw new ModelPackageException("cannot list the model package " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static void checkAgreesWithManifest(Object model, ModelManifest manifest) {
        if (model instanceof Classifier<?> classifier && classifier.numClasses() != manifest.labels().size()) {
            throw new ModelPackageException("model predicts " + classifier.numClasses() + " classes but model.json"
                    + " lists " + manifest.labels().size() + " labels");
        }
        int expected = manifest.featureCount();
        int actual = switch (model) {
            case DataFrameClassifier frame -> predictorNames(frame, manifest.target()).size();
            case LogisticRegression.Binomial binomial -> binomial.coefficients().length - 1;
            case LogisticRegression.Multinomial multinomial -> multinomial.coefficients()[0].length - 1;
            default -> expected;
        };
        if (actual != expected) {
            throw new ModelPackageException("model was trained on " + actual + " features but model.json lists "
                    + expected);
        }
        if (model instanceof DataFrameClassifier frame) {
            Set<String> known = predictorNames(frame, manifest.target());
            List<String> missing = manifest.features().stream().map(ModelManifest.Feature::name)
                    .filter(name -> !known.contains(name)).toList();
            if (!missing.isEmpty()) {
                throw new ModelPackageException("model.json lists features the model does not know: " + missing);
            }
        }
    }

    private static Set<String> predictorNames(DataFrameClassifier model, String target) {
        return model.schema().fields().stream()
                .map(StructField::name)
                .filter(name -> !name.equals(target))
                .collect(Collectors.toSet());
    }
}
