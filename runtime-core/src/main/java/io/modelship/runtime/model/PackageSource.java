package io.modelship.runtime.model;

import io.modelship.runtime.format.ModelPackageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a model URI into a local path: a plain path, {@code file://}, {@code pvc://CLAIM/PATH}
 * (a claim the operator mounts under {@code pvcRoot/CLAIM}) or {@code http(s)://}, downloaded with
 * timeouts, a size bound and a few retries.
 */
public final class PackageSource {

    private final Path pvcRoot;
    private final Path workDir;
    private final long maxDownloadBytes;
    private final int attempts;
    private final Duration timeout;

    public PackageSource(Path pvcRoot, Path workDir, long maxDownloadBytes, int attempts, Duration timeout) {
        this.pvcRoot = pvcRoot;
        this.workDir = workDir;
        this.maxDownloadBytes = maxDownloadBytes;
        this.attempts = attempts;
        this.timeout = timeout;
    }

    static final String DOWNLOAD_SUFFIX = ".download";

    /** Whether {@code path} is a download this source made (and the loader may delete once unpacked). */
    public boolean isDownload(Path path) {
        return path.startsWith(workDir) && path.getFileName().toString().endsWith(DOWNLOAD_SUFFIX);
    }

    public Path resolve(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new ModelPackageException("no model URI given (--model or MODEL_URI)");
        }
        String scheme = schemeOf(uri);
        Path local = switch (scheme) {
            case "" -> Path.of(uri);
            case "file" -> Path.of(URI.create(uri));
            case "pvc" -> pvcPath(uri);
            case "http", "https" -> download(URI.create(uri));
            default -> throw new ModelPackageException("unsupported model URI scheme '" + scheme + "' in " + UriRedaction.redact(uri)
                    + " (supported: file://, http://, https://, pvc://CLAIM/PATH or a local path)");
        };
        if (!Files.exists(local)) {
            throw new ModelPackageException("model package not found: " + local);
        }
        return local;
    }

    static String schemeOf(String uri) {
        int colon = uri.indexOf("://");
        return colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private Path pvcPath(String uri) {
        String rest = uri.substring("pvc://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new ModelPackageException("pvc URI must look like pvc://CLAIM/PATH, got " + uri);
        }
        Path claimRoot = pvcRoot.resolve(rest.substring(0, slash)).normalize();
        Path path = claimRoot.resolve(rest.substring(slash + 1)).normalize();
        if (!path.startsWith(claimRoot)) {
            throw new ModelPackageException("pvc URI path escapes its claim: " + uri);
        }
        return path;
    }

    private Path download(URI uri) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        ModelPackageException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return downloadOnce(client, uri);
            } catch (RetryableDownloadException e) {
                last = new ModelPackageException("download of " + UriRedaction.redact(uri.toString()) + " failed after " + attempt
                        + " attempt(s): " + e.getMessage(), e);
                if (attempt < attempts) {
                    sleepBeforeRetry(attempt);
                }
            }
        }
        throw last;
    }

    private Path downloadOnce(HttpClient client, URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status >= 500 || status == 429) {
                    throw new RetryableDownloadException("HTTP " + status);
                }
                if (status != 200) {
                    throw new ModelPackageException("download of " + UriRedaction.redact(uri.toString()) + " failed: HTTP " + status);
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxDownloadBytes) {
                    throw new ModelPackageException("model package at " + UriRedaction.redact(uri.toString()) + " is " + declared
                            + " bytes, over the limit of " + maxDownloadBytes);
                }
                Files.createDirectories(workDir);
                Path file = Files.createTempFile(workDir, "package-", DOWNLOAD_SUFFIX);
                try {
                    long copied = copyBounded(body, file, uri);
                    if (declared >= 0 && copied != declared) {
                        throw new RetryableDownloadException("connection closed after " + copied + " of "
                                + declared + " bytes");
                    }
                    return file;
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file); // a pod's /tmp is a small emptyDir: never keep partial downloads
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new RetryableDownloadException(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelPackageException("download of " + UriRedaction.redact(uri.toString()) + " interrupted", e);
        }
    }

    /**
     * Copies the body, failing when no byte arrives for {@code timeout} (the read deadline: the
     * request timeout only covers the response headers, so a server that stalls mid-body would
     * otherwise hold the pod unready forever).
     */
    private long copyBounded(InputStream in, Path file, URI uri) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        AtomicLong lastRead = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        Thread reader = Thread.currentThread();
        Thread watchdog = Thread.ofVirtual().name("download-deadline").start(() -> {
            try {
                for (long idle; (idle = System.nanoTime() - lastRead.get()) < timeout.toNanos(); ) {
                    Thread.sleep(Math.max(1, (timeout.toNanos() - idle) / 1_000_000));
                }
                stalled.set(true);
                reader.interrupt();
                in.close();
            } catch (InterruptedException | IOException e) {
                // the copy ended first
            }
        });
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                lastRead.set(System.nanoTime());
                total += n;
                if (total > maxDownloadBytes) {
                    throw new ModelPackageException("model package at " + UriRedaction.redact(uri.toString()) + " exceeds the limit of "
                            + maxDownloadBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (stalled.get()) {
                throw new RetryableDownloadException("no data for " + timeout.toSeconds() + " s after " + total
                        + " bytes (read deadline)");
            }
            throw e;
        } finally {
            watchdog.interrupt();
            if (stalled.get()) {
                Thread.interrupted(); // the deadline's interrupt must not leak into the retry
            }
        }
        if (stalled.get()) {
            throw new RetryableDownloadException("no data for " + timeout.toSeconds() + " s after " + total
                    + " bytes (read deadline)");
        }
        return total;
    }

    private static void sleepBeforeRetry(int attempt) {
        try {
            Thread.sleep(200L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class RetryableDownloadException extends RuntimeException {
        RetryableDownloadException(String message) {
            super(message);
        }
    }
}
