package io.modelship.local.kube.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed serving certificate for 127.0.0.1 and localhost, made by the running JDK's {@code
 * keytool} into a PKCS#12 key store. The API needs TLS because client-go (kubectl) sends a bearer
 * token only over TLS; the certificate goes into the kubeconfig as {@code
 * certificate-authority-data}, so clients verify it as they verify a cluster's CA.
 */
public record Tls(Path keyStore, String password, String certificatePem) {

  public static Tls generate(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path store = directory.resolve("apiserver.p12");
    Files.deleteIfExists(store);
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command =
        List.of(
            keytool.toString(),
            "-genkeypair",
            "-alias",
            "apiserver",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=modelship-local-apiserver",
            "-ext",
            "SAN=ip:127.0.0.1,dns:localhost",
            "-ext",
            "BC:c=ca:true",
            "-validity",
            "3650",
            "-storetype",
            "PKCS12",
            "-keystore",
            store.toString(),
            "-storepass:env",
            "MODELSHIP_STOREPASS");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("MODELSHIP_STOREPASS", password);
    Process process = builder.start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool could not make the API's certificate: " + output.strip());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted making the API's certificate", e);
    }
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      Certificate certificate = ks.getCertificate("apiserver");
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      return new Tls(store, password, pem);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the API's certificate: " + e.getMessage(), e);
    }
  }
}
