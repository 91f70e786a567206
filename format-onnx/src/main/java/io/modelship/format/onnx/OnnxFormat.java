package io.modelship.format.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelFormat;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onnx} format: {@code model.onnx} run with ONNX Runtime — the export path of
 * scikit-learn, XGBoost, LightGBM and PyTorch models. What it serves is checked at load ({@link
 * OnnxSignature}); anything else is refused naming what was found.
 *
 * <p>A graph that is a lone tree ensemble ({@code TreeEnsembleClassifier}/{@code Regressor}, what
 * scikit-learn's forests export to) is compiled into Java arrays ({@link OnnxTrees}) and served
 * without ONNX Runtime once it agrees with ONNX Runtime on rows probing its splits; otherwise, or
 * with {@value #COMPILE_TREES_ENV}{@code =0}, ONNX Runtime serves it and the log says why. {@code
 * package} records that agreement in {@code model.json} ({@link PackagedCheck}); where the record
 * holds, the load compiles the trees and never starts ONNX Runtime.
 *
 * <p>Threads: requests run on a single-threaded session ({@code intra_op} 1, {@code inter_op} 1,
 * sequential execution, no spinning): Jetty's request threads already run one request per core, so
 * operator-level threads would only compete with them. Batches of 64 rows or more run on a second
 * session with {@value #INTRA_OP_THREADS_ENV} intra-op threads (default: the available processors),
 * because a lone large batch would otherwise use one core; set it to 1 for a single session.
 */
public final class OnnxFormat implements ModelFormat {

  public static final String NAME = "onnx";
  public static final String ARTIFACT_FILE = "model.onnx";

  /** {@code 0} serves tree ensembles with ONNX Runtime even where they compile. */
  public static final String COMPILE_TREES_ENV = "ONNX_COMPILE_TREES";

  /** Rows the compiled trees are checked on against ONNX Runtime at load. */
  static final int PROBE_ROWS = 512;

  /**
   * Seed of the probe rows: the same rows at every load, so a check {@code package} made holds at
   * serve.
   */
  static final long PROBE_SEED = 20261202L;

  /** How closely the compiled trees must agree with ONNX Runtime. */
  static final double TOLERANCE = 1e-5;

  private static final Logger LOG = LoggerFactory.getLogger(OnnxFormat.class);

  /** Intra-op threads of the batch session (default: available processors; 1: no batch session). */
  public static final String INTRA_OP_THREADS_ENV = "ONNX_INTRA_OP_THREADS";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String artifactFile() {
    return ARTIFACT_FILE;
  }

  /**
   * Loads ONNX Runtime's native library and environment, the slowest part of its start, without any
   * model; not when {@code package} recorded a check the load can rely on, which then needs no ONNX
   * Runtime at all.
   */
  @Override
  public void prepare(ModelSpec spec) {
    if (compiling() && PackagedCheck.recorded(spec)) {
      return;
    }
    try {
      NativeLibraries.preferExtracted();
      OrtEnvironment.getEnvironment();
    } catch (RuntimeException | LinkageError e) {
      // load() meets the same failure and reports it with the package
    }
  }

  @Override
  public LoadedModel load(Path artifact, ModelSpec spec) {
    // A check package recorded that holds for these bytes, this spec and this code: the compiled
    // trees serve and ONNX Runtime is never started.
    if (compiling() && PackagedCheck.recorded(spec)) {
      Built packaged = Built.of(artifact, spec);
      if (packaged.compiled().trees() != null && PackagedCheck.holds(packaged.bytes(), spec)) {
        LOG.info(
            "{}: compiled in {} ms; served without ONNX Runtime, which these trees agreed with when"
                + " the package was made ({} in model.json)",
            artifact.getFileName(),
            packaged.nanos() / 1_000_000,
            PackagedCheck.KEY);
        CompiledOnnxModel model =
            new CompiledOnnxModel(
                packaged.compiled().trees(), spec, spec.checks().get(PackagedCheck.KEY));
        if (BinaryLabels.recorded(spec)) {
          LOG.info(
              "{}: label = {} (as recorded in model.json, {})",
              artifact.getFileName(),
              spec.checks().get(BinaryLabels.KEY),
              BinaryLabels.KEY);
        }
        LOG.info("{}: {}", artifact.getFileName(), model.describe());
        return model;
      }
      LOG.info(
          "{}: the check recorded in model.json ({}) does not hold for this artifact, package and runtime;"
              + " checking against ONNX Runtime",
          artifact.getFileName(),
          PackagedCheck.KEY);
    }
    // The tree ensemble is read and built while ONNX Runtime loads its native library and builds
    // its session, which the compiled trees are then checked against: on a cold start each takes
    // a few hundred milliseconds.
    CompletableFuture<Built> built =
        !compiling()
            ? null
            : CompletableFuture.supplyAsync(
                () -> Built.of(artifact, spec),
                task -> Thread.ofPlatform().daemon().name("onnx-compile").start(task));
    long start = System.nanoTime();
    Path natives = NativeLibraries.preferExtracted();
    OrtEnvironment env = OrtEnvironment.getEnvironment(); // usually ready already: see prepare()
    if (natives != null) {
      LOG.info("ONNX Runtime's native libraries from {}", natives);
    }
    int batchThreads = intraOpThreads(System.getenv(INTRA_OP_THREADS_ENV));
    OrtSession session = session(env, artifact, 1);
    OrtSession batchSession = null;
    try {
      OnnxSignature signature = OnnxSignature.of(session, spec);
      OnnxModel model = new OnnxModel(env, session, signature, spec);
      model.checkLabels();
      binaryLabels(
          model,
          artifact,
          built != null ? built.join().graph() : Built.of(artifact, spec).graph(),
          signature,
          spec);
      long ortReady = System.nanoTime();
      String reason =
          built == null
              ? COMPILE_TREES_ENV + "=0"
              : check(
                  model,
                  artifact,
                  built.join(),
                  signature,
                  (ortReady - start) / 1_000_000,
                  (System.nanoTime() - ortReady) / 1_000_000,
                  spec);
      if (reason == null) {
        LOG.info("{}: {}", artifact.getFileName(), model.describe());
        return model;
      }
      model.servedByOnnxRuntimeBecause(reason);
      LOG.info("{}: {}", artifact.getFileName(), model.describe());
      batchSession = batchThreads > 1 ? session(env, artifact, batchThreads) : null;
      model.useBatchSession(batchSession);
      return model;
    } catch (RuntimeException e) {
      closeQuietly(session);
      if (batchSession != null) {
        closeQuietly(batchSession);
      }
      throw e;
    }
  }

  private static boolean compiling() {
    return !"0".equals(System.getenv(COMPILE_TREES_ENV));
  }

  /**
   * The compiled trees of the artifact (or why there are none), the bytes they were built from
   * (null when unreadable) and how long reading and building took.
   */
  private record Built(
      OnnxTrees.Compiled compiled, byte[] bytes, OnnxProto.Graph graph, long nanos) {
    static Built of(Path artifact, ModelSpec spec) {
      long start = System.nanoTime();
      OnnxTrees.Compiled compiled;
      byte[] bytes = null;
      OnnxProto.Graph graph = null;
      try {
        bytes = Files.readAllBytes(artifact);
        graph = OnnxProto.graph(bytes);
        compiled = OnnxTrees.build(graph, spec);
      } catch (IOException e) {
        compiled =
            new OnnxTrees.Compiled(
                null, "cannot read " + artifact.getFileName() + ": " + e.getMessage());
      } catch (RuntimeException e) {
        compiled = new OnnxTrees.Compiled(null, "cannot read its graph: " + e);
      }
      return new Built(compiled, bytes, graph, System.nanoTime() - start);
    }
  }

  /**
   * A binary tree ensemble whose label output ONNX Runtime computes by its own rule rather than
   * from its probabilities ({@link BinaryLabels}): counts the probe rows on which the two disagree
   * and, where any do, serves the class of the highest probability and says so.
   */
  private static void binaryLabels(
      OnnxModel model,
      Path artifact,
      OnnxProto.Graph graph,
      OnnxSignature signature,
      ModelSpec spec) {
    var ensemble = BinaryLabels.ensemble(graph, signature, spec);
    if (ensemble == null) {
      return;
    }
    double[][] probe = OnnxTrees.probeRows(ensemble, signature.features(), PROBE_ROWS, PROBE_SEED);
    int disagreed = model.labelDisagreements(probe);
    if (disagreed > 0) {
      LOG.info(BinaryLabels.line(artifact.getFileName().toString(), disagreed, PROBE_ROWS));
      model.labelByHighestProbability(BinaryLabels.record(disagreed, PROBE_ROWS));
    }
  }

  /**
   * Keeps the compiled tree ensemble ({@link OnnxTrees}) only when it reads and writes what ONNX
   * Runtime says the graph does and agrees with ONNX Runtime on {@value #PROBE_ROWS} rows that
   * probe its splits. Returns null when the compiled trees serve (and ONNX Runtime's session is
   * closed), else why ONNX Runtime does.
   */
  private static String check(
      OnnxModel model,
      Path artifact,
      Built built,
      OnnxSignature signature,
      long ortMillis,
      long waitedMillis,
      ModelSpec spec) {
    OnnxTrees trees = built.compiled().trees();
    if (trees == null) {
      return built.compiled().reason();
    }
    String mismatch = trees.mismatch(signature);
    if (mismatch != null) {
      return mismatch;
    }
    long start = System.nanoTime();
    double[][] probe = trees.probeRows(PROBE_ROWS, PROBE_SEED);
    String disagreement = disagreement(model.predictWithOnnxRuntime(probe), trees.predict(probe));
    if (disagreement != null) {
      return "it disagrees with ONNX Runtime: " + disagreement;
    }
    LOG.info(
        "{}: compiled in {} ms beside ONNX Runtime's start ({} ms to a session whose labels are checked;"
            + " then {} ms waiting for the compiled trees), checked against ONNX Runtime on {} rows in {} ms",
        artifact.getFileName(),
        built.nanos() / 1_000_000,
        ortMillis,
        waitedMillis,
        PROBE_ROWS,
        (System.nanoTime() - start) / 1_000_000);
    model.useCompiled(trees, PackagedCheck.record(built.bytes(), spec));
    return null;
  }

  /**
   * Where two answers to the same rows differ by more than {@value #TOLERANCE} (relative to the
   * reference for values above 1), or null when they agree: labels exactly, probabilities and
   * values to the tolerance.
   */
  static String disagreement(Predictions reference, Predictions compiled) {
    for (int r = 0; r < reference.size(); r++) {
      if (reference.values() != null) {
        double e = reference.values()[r];
        double a = compiled.values()[r];
        if (!(Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)))) {
          return "row " + r + ": value " + a + " against " + e;
        }
        continue;
      }
      if (reference.classIndex()[r] != compiled.classIndex()[r]) {
        return "row "
            + r
            + ": label index "
            + compiled.classIndex()[r]
            + " against "
            + reference.classIndex()[r];
      }
      double[] e = reference.probabilities()[r];
      double[] a = compiled.probabilities()[r];
      for (int k = 0; k < e.length; k++) {
        if (!(Math.abs(a[k] - e[k]) <= TOLERANCE)) {
          return "row " + r + ": probability " + k + " " + a[k] + " against " + e[k];
        }
      }
    }
    return null;
  }

  private static OrtSession session(OrtEnvironment env, Path artifact, int intraOpThreads) {
    try (OrtSession.SessionOptions options = sessionOptions(intraOpThreads)) {
      return env.createSession(artifact.toString(), options);
    } catch (OrtException e) {
      throw new ModelPackageException(
          "ONNX Runtime cannot load " + artifact.getFileName() + ": " + e.getMessage(), e);
    }
  }

  static OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(intraOpThreads);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    // Idle intra-op threads would otherwise spin on a core Jetty needs.
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    return options;
  }

  static int intraOpThreads(String value) {
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ModelPackageException(
        INTRA_OP_THREADS_ENV + " must be a whole number of at least 1, got '" + value + "'");
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      // the load already failed for a better reason
    }
  }
}
