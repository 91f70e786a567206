package io.modelship.api.runtime;

import java.util.Set;

/**
 * The operator↔runtime contract: the environment variables the operator sets on a serving pod and
 * the defaults both sides assume when one is absent. The operator's pod builder and the runtime's
 * configuration parser both read these names, and a test feeds the first into the second.
 */
public final class RuntimeEnvironment {

  public static final String MODEL_URI = "MODEL_URI";
  public static final String MODEL_VERSION = "MODEL_VERSION";
  public static final String MODEL_SHA256 = "MODEL_SHA256";
  public static final String POD_NAME = "POD_NAME";
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String POD_UID = "POD_UID";

  /**
   * The pod's IP (downward API {@code status.podIP}): with a retraining sink, request ids carry it
   * (masked) with the HTTP port, so a label another replica receives reaches the pod that holds the
   * row's features.
   */
  public static final String POD_IP = "POD_IP";

  public static final String MODELDEPLOYMENT_NAME = "MODELDEPLOYMENT_NAME";

  /** The owning ModelDeployment's UID: reference objects of a package are owned by it. */
  public static final String MODELDEPLOYMENT_UID = "MODELDEPLOYMENT_UID";

  public static final String REPORT_INTERVAL_SECONDS = "REPORT_INTERVAL_SECONDS";
  public static final String DRIFT_METHOD = "DRIFT_METHOD";
  public static final String DRIFT_WARNING = "DRIFT_WARNING";
  public static final String DRIFT_THRESHOLD = "DRIFT_THRESHOLD";
  public static final String DRIFT_WINDOW_SIZE = "DRIFT_WINDOW_SIZE";
  public static final String DRIFT_MIN_SAMPLES = "DRIFT_MIN_SAMPLES";
  public static final String ACCURACY_MAX_DROP = "ACCURACY_MAX_DROP";
  public static final String ACCURACY_MIN_SAMPLES = "ACCURACY_MIN_SAMPLES";
  public static final String PORT = "PORT";

  /**
   * The Open Inference Protocol over gRPC's port (the container port and Service port named {@code
   * grpc}).
   */
  public static final String GRPC_PORT = "GRPC_PORT";

  public static final String SHUTDOWN_DELAY_SECONDS = "SHUTDOWN_DELAY_SECONDS";
  public static final String MODEL_WORK_DIR = "MODEL_WORK_DIR";
  public static final String MODEL_MAX_DOWNLOAD_BYTES = "MODEL_MAX_DOWNLOAD_BYTES";
  public static final String FEEDBACK_SIGNING_KEY = "FEEDBACK_SIGNING_KEY";

  /**
   * The ModelDeployment's key for signing its pods' RuntimeReports (hex), from the same Secret as
   * {@link #FEEDBACK_SIGNING_KEY} but a different key: one purpose per key.
   */
  public static final String REPORT_SIGNING_KEY = "REPORT_SIGNING_KEY";

  public static final String MODEL_LOAD_TIMEOUT = "MODEL_LOAD_TIMEOUT";

  /**
   * {@code spec.model.storage.endpoint}: an S3-compatible store's URL (MinIO, Ceph); absent: AWS.
   */
  public static final String S3_ENDPOINT = "S3_ENDPOINT";

  /** {@code spec.model.storage.region}. */
  public static final String S3_REGION = "S3_REGION";

  /**
   * {@code spec.model.storage.pathStyle}: {@code true} for {@code http://host/bucket/key}
   * addressing.
   */
  public static final String S3_PATH_STYLE = "S3_PATH_STYLE";

  /**
   * The AWS SDK's own names, which its default credential chain reads: the operator sets them from
   * {@code spec.model.storage.secretRef} (keys of the same names), through secretKeyRefs only.
   */
  public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";

  public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";

  /**
   * {@code spec.retraining.data.sink}: where each pod appends the rows that received labelled
   * feedback.
   */
  public static final String RETRAINING_SINK = "RETRAINING_SINK";

  /** Read by the JVM itself; the operator puts the pod's JVM flags here. */
  public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

  /**
   * Read by glibc's malloc at process start: how many arenas its threads' allocations spread over.
   */
  public static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_GRPC_PORT = 8081;
  public static final int DEFAULT_REPORT_INTERVAL_SECONDS = 15;
  public static final String DEFAULT_DRIFT_METHOD = "psi";
  public static final double DEFAULT_DRIFT_WARNING = 0.1;
  public static final double DEFAULT_DRIFT_THRESHOLD = 0.25;
  public static final int DEFAULT_DRIFT_WINDOW_SIZE = 1000;
  public static final double DEFAULT_ACCURACY_MAX_DROP = 0.05;

  /**
   * The largest package the runtime downloads (and, once unpacked, the most it writes to scratch).
   */
  public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 2L * 1024 * 1024 * 1024;

  /** An archive may unpack to at most this many times the package limit. */
  public static final int UNPACK_RATIO = 4;

  /** Temp files, logs and the like beside the package. */
  public static final long SCRATCH_HEADROOM_BYTES = 64L * 1024 * 1024;

  /**
   * The scratch space a pod may need for a package limit: the download plus what it unpacks to
   * (both exist while unpacking), plus headroom. The operator sizes the emptyDir and the
   * ephemeral-storage request with it.
   */
  public static long scratchBytes(long maxDownloadBytes) {
    return Math.addExact(
        Math.multiplyExact(maxDownloadBytes, 1L + UNPACK_RATIO), SCRATCH_HEADROOM_BYTES);
  }

  /**
   * Where the runtime unpacks packages: the pod's scratch emptyDir (the root filesystem is
   * read-only).
   */
  public static final String SCRATCH_DIR = "/tmp";

  /**
   * A JVM that ran out of memory exits, so Kubernetes restarts the pod instead of it limping on.
   */
  public static final String JVM_OPTIONS = "-XX:+ExitOnOutOfMemoryError";

  /**
   * glibc gives each thread that allocates natively an arena of its own, up to 8 per core, and
   * keeps what they once held; the JVM's own threads (compiler, GC, Jetty's pool) and ONNX Runtime
   * at load leave a peak of 20-30 MiB in them. Two arenas hold the runtime's native allocations
   * with no measurable loss of throughput (docs/benchmarks.md).
   */
  public static final String MALLOC_ARENAS = "2";

  /** What the operator sets on every pod; {@code spec.runtime.env} may not override these. */
  public static final Set<String> OPERATOR_OWNED =
      Set.of(
          MODEL_URI,
          MODEL_VERSION,
          MODEL_SHA256,
          POD_NAME,
          POD_NAMESPACE,
          POD_UID,
          POD_IP,
          MODELDEPLOYMENT_NAME,
          MODELDEPLOYMENT_UID,
          REPORT_INTERVAL_SECONDS,
          DRIFT_METHOD,
          DRIFT_WARNING,
          DRIFT_THRESHOLD,
          DRIFT_WINDOW_SIZE,
          DRIFT_MIN_SAMPLES,
          ACCURACY_MAX_DROP,
          ACCURACY_MIN_SAMPLES,
          PORT,
          GRPC_PORT,
          SHUTDOWN_DELAY_SECONDS,
          MODEL_WORK_DIR,
          MODEL_MAX_DOWNLOAD_BYTES,
          FEEDBACK_SIGNING_KEY,
          REPORT_SIGNING_KEY,
          JAVA_TOOL_OPTIONS,
          MALLOC_ARENA_MAX,
          S3_ENDPOINT,
          S3_REGION,
          S3_PATH_STYLE,
          RETRAINING_SINK);

  /**
   * What the JVM's launcher, the JVM itself or the dynamic loader read when the process starts. Set
   * from {@code spec.runtime.env} they would undo what the operator decided for the pod: {@code
   * JDK_JAVA_OPTIONS} and {@code _JAVA_OPTIONS} are read after {@link #JAVA_TOOL_OPTIONS} and win
   * over it (e.g. {@code -XX:-ExitOnOutOfMemoryError}, or a {@code -javaagent} from a mounted
   * volume), and {@code LD_PRELOAD}, {@code LD_LIBRARY_PATH}, {@code CLASSPATH} or {@code PATH}
   * change which code runs. The JDK's {@code java} man page is the source; a test reads it and
   * checks every variable it documents is here.
   */
  public static final Set<String> PROCESS_START =
      Set.of(
          "JDK_JAVA_OPTIONS",
          "_JAVA_OPTIONS",
          "JDK_AOT_VM_OPTIONS",
          "CLASSPATH",
          "PATH",
          "LD_PRELOAD",
          "LD_LIBRARY_PATH",
          "DYLD_LIBRARY_PATH",
          "TMP",
          "TEMP");

  /**
   * Names {@code spec.runtime.env} may not set: the operator's own and those the process reads at
   * start.
   */
  public static boolean reserved(String name) {
    return OPERATOR_OWNED.contains(name) || PROCESS_START.contains(name);
  }

  private RuntimeEnvironment() {}
}
