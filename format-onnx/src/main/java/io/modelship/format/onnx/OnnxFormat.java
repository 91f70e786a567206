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
 * <p>Threads: every session runs single-threaded inside ({@code intra_op} 1, {@code inter_op} 1,
 * sequential execution, no spinning). Jetty's request threads already run one request per core, so
 * operator-level threads would only compete with them for the same cores (see the README for the
 * measurements). {@value #INTRA_OP_THREADS_ENV} raises the intra-op count for deployments that send
 * few, large batches.
 */
public final class OnnxFormat implements ModelFormat {

    public static final String NAME = "onnx";
    public static final String ARTIFACT_FILE = "model.onnx";
    /** Intra-op threads per session (default 1). */
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
        OrtSession session;
        try (OrtSession.SessionOptions options = sessionOptions(intraOpThreads(System.getenv(INTRA_OP_THREADS_ENV)))) {
            session = env.createSession(artifact.toString(), options);
        } catch (OrtException e) {
            throw new ModelPackageException("ONNX Runtime cannot load " + artifact.getFileName() + ": "
                    + e.getMessage(), e);
        }
        try {
            OnnxSignature signature = OnnxSignature.of(session, spec);
            OnnxModel model = new OnnxModel(env, session, signature, spec);
            model.checkLabels();
            return model;
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
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
            return 1;
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
