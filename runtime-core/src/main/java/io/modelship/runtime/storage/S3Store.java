package io.modelship.runtime.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads and writes objects of an S3-compatible store (AWS S3, MinIO, Ceph, S3Proxy) with the AWS
 * SDK's synchronous client on the JDK's URLConnection. Every failure becomes a {@link
 * StorageException} whose {@link StorageException.Problem} and message say what a user fixes: the
 * bucket or key, the credentials, the size, or the store being slow or down. Credentials come from
 * the SDK's default chain unless a test gives its own; they appear in no message.
 */
public final class S3Store implements AutoCloseable {

  private final S3Client client;
  private final S3Settings settings;

  private S3Store(S3Client client, S3Settings settings) {
    this.client = client;
    this.settings = settings;
  }

  /**
   * A store reached with the default credential chain (env, web identity / IRSA, container,
   * instance).
   */
  public static S3Store create(S3Settings settings) {
    return create(settings, DefaultCredentialsProvider.builder().build());
  }

  public static S3Store create(S3Settings settings, AwsCredentialsProvider credentials) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(settings.timeout())
                    // the read deadline: a store that stops sending mid-body fails the read
                    .socketTimeout(settings.timeout()))
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(settings.pathStyle())
            // one attempt per call: the callers retry on their own terms (the package download a
            // few times, the sink at its next flush), so a stalled store is not waited on 3 x 3
            // times
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new NoExpectContinue()))
            // S3-compatible stores do not all know the newer CRC checksum headers; the package's
            // own sha256 is what proves its integrity.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return new S3Store(builder.build(), settings);
  }

  /**
   * Drops the {@code Expect: 100-continue} the SDK puts on every upload. The JDK's URLConnection
   * fails with a bare "Server rejected operation" when a store answers such a request with a final
   * status before asking for the body (S3 and S3Proxy refuse a bad signature on the headers alone),
   * and the SDK can recover the status only when the answer's timing allows: a wrong secret was
   * then named an unknown failure instead of access denied. Our uploads are sink chunks and
   * candidate packages, small enough to send whole.
   */
  private static final class NoExpectContinue implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
      return context.httpRequest().firstMatchingHeader("Expect").isPresent()
          ? context.httpRequest().toBuilder().removeHeader("Expect").build()
          : context.httpRequest();
    }
  }

  /**
   * Downloads {@code object} to {@code target}, refusing one larger than {@code maxBytes} (by its
   * declared length before any byte is written, and by what arrives). A partial file is deleted.
   *
   * @return the bytes written
   */
  public long download(S3Location object, Path target, long maxBytes) {
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(object.bucket()).key(object.key()).build();
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
      Long declared = in.response().contentLength();
      if (declared != null && declared > maxBytes) {
        in.abort();
        throw new StorageException(
            StorageException.Problem.TOO_LARGE,
            object + " is " + declared + " bytes, over the limit of " + maxBytes + " bytes",
            null);
      }
      try {
        long copied = copyBounded(in, target, object, maxBytes);
        if (declared != null && copied != declared) {
          throw new StorageException(
              StorageException.Problem.FAILED,
              "the store closed the connection after "
                  + copied
                  + " of "
                  + declared
                  + " bytes of "
                  + object,
              null);
        }
        return copied;
      } catch (IOException | RuntimeException e) {
        in.abort();
        deleteQuietly(target);
        throw e;
      }
    } catch (IOException e) {
      throw translate(e, object, "reading");
    } catch (SdkException e) {
      throw translate(e, object, "reading");
    }
  }

  /** An object a listing found: its location, size and when it was last written. */
  public record Listed(S3Location location, long size, Instant lastModified) {}

  /**
   * Every object under {@code prefix} (all levels, every page of the listing), in key order. A
   * missing bucket or denied access fails as a {@link StorageException} naming it.
   */
  public List<Listed> list(S3Location prefix) {
    List<Listed> found = new ArrayList<>();
    try {
      client
          .listObjectsV2Paginator(
              ListObjectsV2Request.builder().bucket(prefix.bucket()).prefix(prefix.key()).build())
          .contents()
          .forEach(
              o ->
                  found.add(
                      new Listed(
                          new S3Location(prefix.bucket(), o.key()),
                          o.size() == null ? 0 : o.size(),
                          o.lastModified())));
      return found;
    } catch (SdkException e) {
      throw translate(e, prefix, "listing");
    }
  }

  /**
   * Opens {@code object} for reading as a stream (read it as it arrives, close it when done); a
   * failure while reading surfaces as an {@link IOException} from the stream.
   */
  public InputStream open(S3Location object) {
    try {
      return client.getObject(
          GetObjectRequest.builder().bucket(object.bucket()).key(object.key()).build());
    } catch (SdkException e) {
      throw translate(e, object, "reading");
    }
  }

  /** Writes {@code body} as {@code object}, replacing what was there. */
  public void upload(S3Location object, byte[] body, String contentType) {
    try {
      client.putObject(
          PutObjectRequest.builder()
              .bucket(object.bucket())
              .key(object.key())
              .contentType(contentType)
              .build(),
          RequestBody.fromBytes(body));
    } catch (SdkException e) {
      throw translate(whyWriteFailed(e, object), object, "writing");
    }
  }

  /** Writes the file {@code source} as {@code object}. */
  public void upload(S3Location object, Path source, String contentType) {
    try {
      client.putObject(
          PutObjectRequest.builder()
              .bucket(object.bucket())
              .key(object.key())
              .contentType(contentType)
              .build(),
          RequestBody.fromFile(source));
    } catch (SdkException e) {
      throw translate(whyWriteFailed(e, object), object, "writing");
    }
  }

  private static long copyBounded(InputStream in, Path target, S3Location object, long maxBytes)
      throws IOException {
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(target)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw new StorageException(
              StorageException.Problem.TOO_LARGE,
              object + " exceeds the limit of " + maxBytes + " bytes",
              null);
        }
        out.write(buffer, 0, n);
      }
    }
    return total;
  }

  /**
   * A store may refuse an upload on its headers alone (a wrong secret) and close the connection
   * while the body is still being written: the client then has only "error writing request body",
   * not the store's answer. Asked again without a body (HEAD on the bucket), the store says why —
   * access denied, no such bucket — and that is the failure reported; otherwise the write's own.
   */
  private SdkException whyWriteFailed(SdkException e, S3Location object) {
    if (e instanceof S3Exception
        || !causedBy(e, IOException.class)
        || causedBy(e, InterruptedIOException.class)) {
      return e;
    }
    try {
      client.headBucket(b -> b.bucket(object.bucket()));
      return e;
    } catch (S3Exception refusal) {
      return refusal;
    } catch (SdkException other) {
      return e;
    }
  }

  private StorageException translate(Exception e, S3Location object, String doing) {
    String where = endpointName();
    if (e instanceof NoSuchBucketException) {
      return new StorageException(
          StorageException.Problem.NO_SUCH_BUCKET,
          "no such bucket '" + object.bucket() + "' at " + where + " (" + object + ")",
          e);
    }
    if (e instanceof NoSuchKeyException) {
      return new StorageException(
          StorageException.Problem.NO_SUCH_KEY,
          "no such key '" + object.key() + "' in bucket '" + object.bucket() + "' at " + where,
          e);
    }
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      if (s3.statusCode() == 403
          || "AccessDenied".equals(code)
          || "InvalidAccessKeyId".equals(code)
          || "SignatureDoesNotMatch".equals(code)) {
        return new StorageException(
            StorageException.Problem.ACCESS_DENIED,
            "access denied "
                + doing
                + " "
                + object
                + " at "
                + where
                + " ("
                + (code == null ? "HTTP " + s3.statusCode() : code)
                + "): check the credentials (spec.model.storage.secretRef or the pod's IAM role) and the bucket policy",
            e);
      }
      if ("NoSuchBucket".equals(code)) {
        return new StorageException(
            StorageException.Problem.NO_SUCH_BUCKET,
            "no such bucket '" + object.bucket() + "' at " + where + " (" + object + ")",
            e);
      }
      if (s3.statusCode() == 404) {
        return new StorageException(
            StorageException.Problem.NO_SUCH_KEY,
            "no such key '" + object.key() + "' in bucket '" + object.bucket() + "' at " + where,
            e);
      }
      return new StorageException(
          StorageException.Problem.FAILED,
          doing
              + " "
              + object
              + " at "
              + where
              + " failed: HTTP "
              + s3.statusCode()
              + (code == null ? "" : " " + code),
          e);
    }
    if (e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || causedBy(e, SocketTimeoutException.class)
        || causedBy(e, InterruptedIOException.class)) {
      return new StorageException(
          StorageException.Problem.TIMEOUT,
          doing
              + " "
              + object
              + " at "
              + where
              + " timed out (no"
              + " answer for "
              + settings.timeout().toSeconds()
              + " s)",
          e);
    }
    if (causedBy(e, ConnectException.class) || causedBy(e, UnknownHostException.class)) {
      return new StorageException(
          StorageException.Problem.UNREACHABLE,
          "cannot reach the object store at " + where + " for " + object + ": " + rootMessage(e),
          e);
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
      return new StorageException(
          StorageException.Problem.NO_CREDENTIALS,
          "no credentials for the object store at "
              + where
              + " ("
              + object
              + "): set spec.model.storage.secretRef, or give the pod an IAM role (IRSA)",
          e);
    }
    return new StorageException(
        StorageException.Problem.FAILED,
        doing + " " + object + " at " + where + " failed: " + rootMessage(e),
        e);
  }

  private String endpointName() {
    return settings.endpoint() != null
        ? settings.endpoint().toString()
        : "AWS S3 (" + settings.region() + ")";
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the scratch directory is cleared at the next start
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
