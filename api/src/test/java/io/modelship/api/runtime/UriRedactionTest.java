package io.modelship.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UriRedactionTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://models.example.com/iris/2.0.0.tar.gz | https://models.example.com/iris/2.0.0.tar.gz",
        "https://b.s3.amazonaws.com/iris.tgz?X-Amz-Signature=abc123&X-Amz-Credential=AKIA | https://b.s3.amazonaws.com/iris.tgz?REDACTED",
        "https://user:s3cret@models.example.com/iris.tgz | https://REDACTED@models.example.com/iris.tgz",
        "http://tok@h/p?sig=1#frag | http://REDACTED@h/p?REDACTED#frag",
        "https://u:p@host:8443/a/b.zip?sig=1 | https://REDACTED@host:8443/a/b.zip?REDACTED",
        "/mnt/models/iris.tar.gz | /mnt/models/iris.tar.gz",
        "fetching https://h/p?sig=1 failed: 403; retry https://h/q?sig=2 | fetching https://h/p?REDACTED failed: 403; retry https://h/q?REDACTED",
        "spec.model.uri is not a URI: Illegal character in query at index 20: https://h/p?a=b c | spec.model.uri is not a URI: Illegal character in query at index 20: https://h/p?REDACTED c",
        "pvc://models/iris/1.0.0 | pvc://models/iris/1.0.0",
        "no uri here | no uri here",
      })
  void secretsGoHostAndPathStay(String text, String expected) {
    assertThat(UriRedaction.redact(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "download of https://u:pw@h/x.tgz?sig=zz failed: HTTP 403 | https://u:pw@h/x.tgz?sig=zz | download of https://REDACTED@h/x.tgz?REDACTED failed: HTTP 403",
        "java.net.ConnectException: https://h/x.tgz?token=zz refused | https://h/x.tgz?token=zz | java.net.ConnectException: https://h/x.tgz?REDACTED refused",
        "/mnt/models/iris.tar.gz not found | /mnt/models/iris.tar.gz | /mnt/models/iris.tar.gz not found",
      })
  void errorMessagesKeepWhichPackageButNoSecret(String message, String uri, String shown) {
    assertThat(UriRedaction.scrub(message, uri)).isEqualTo(shown);
  }
}
