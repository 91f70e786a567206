package io.modelship.s3testing;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * Runs inside {@link EmbeddedS3}'s own class loader, the only class here that sees S3Proxy. Its
 * public surface is JDK types only ({@link AutoCloseable}, {@code int}), so the caller needs no
 * S3Proxy class on its class path.
 */
public final class S3ProxyBoot implements AutoCloseable {

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  /**
   * Serves the buckets under {@code baseDir} (one directory each) on 127.0.0.1, an ephemeral port.
   */
  public S3ProxyBoot(String baseDir, String accessKey, String secretKey) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", baseDir);
    context =
        ContextBuilder.newBuilder("filesystem")
            .overrides(properties)
            .buildView(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
  }

  public int port() {
    return proxy.getPort();
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
