package io.modelship.format.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelFormat;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import java.nio.file.Path;

/**
 * The {@code onnx} format: {@code model.onnx} run with ONNX Runtime — the export path of
 * scikit-learn, XGBoost, LightGBM and PyTorch models. What it serves is checked at load
 * ({@link OnnxSignature}); anything else is refused naming what was found.
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

    @Override
    public LoadedModel load(Path artifact, ModelSpec spec) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int batchThreads = intraOpThreads(System.getenv(INTRA_OP_THREADS_ENV));
        OrtSession session = session(env, artifact, 1);
        OrtSession batchSession = null;
        try {
            OnnxSignature signature = OnnxSignature.of(session, spec);
            batchSession = batchThreads > 1 ? session(env, artifact, batchThreads) : null;
            OnnxModel model = new OnnxModel(env, session, batchSession, signature, spec);
            model.checkLabels();
            return model;
        } catch (RuntimeException e) {
            closeQuietly(session);
            if (batchSession != null) {
                closeQuietly(batchSession);
            }
            throw e;
        }
    }

    private static OrtSession session(OrtEnvironment env, Path artifact, int intraOpThreads) {
        try (OrtSession.SessionOptions options = sessionOptions(intraOpThreads)) {
            return env.createSession(artifact.toString(), options);
        } catch (OrtException e) {
            throw new ModelPackageException("ONNX Runtime cannot load " + artifact.getFileName() + ": "
                    + e.getMessage(), e);
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
        throw new ModelPackageException(INTRA_OP_THREADS_ENV + " must be a whole number of at least 1, got '"
                + value + "'");
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // the load already failed for a better reason
        }
    }
}
