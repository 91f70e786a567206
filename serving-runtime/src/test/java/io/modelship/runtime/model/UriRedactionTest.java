package io.modelship.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Secrets of a model URI (user-info, a signed URL's query string) never leave the process. */
class UriRedactionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://user:t0ken@models.example.com/iris.tar.gz | https://***@models.example.com/iris.tar.gz",
        "https://bucket.s3.amazonaws.com/iris.tar.gz?X-Amz-Credential=AKIA&X-Amz-Signature=abc | https://bucket.s3.amazonaws.com/iris.tar.gz?…",
        "https://u:p@host:8443/a/b.zip?sig=1#frag | https://***@host:8443/a/b.zip?…",
        "http://host/iris.tar.gz | http://host/iris.tar.gz",
        "pvc://models/iris/1.0 | pvc://models/iris/1.0",
        "/mnt/models/iris.tar.gz | /mnt/models/iris.tar.gz",
    })
    void hidesUserInfoAndQueryStrings(String uri, String shown) {
        assertThat(UriRedaction.redact(uri)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "download of https://u:pw@h/x.tgz?sig=zz failed: HTTP 403 | https://u:pw@h/x.tgz?sig=zz",
        "java.net.ConnectException: https://h/x.tgz?token=zz refused | https://h/x.tgz?token=zz",
    })
    void scrubsErrorMessages(String message, String uri) {
        String shown = UriRedaction.scrub(message, uri);
        assertThat(shown).doesNotContain("pw").doesNotContain("zz").contains("h/x.tgz");
    }
}
