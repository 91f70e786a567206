package io.modelship.runtime.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Signed request ids are HMAC-SHA256 as the JDK's {@code Mac} computes it, whatever shortcut the
 * runtime takes: ids issued by a runtime that signed with {@code Mac} still verify here, and the
 * other way round, during a rolling upgrade of the runtime.
 */
class RequestIdsTest {

  @Test
  void signaturesAreTheJdksHmacSha256OfTheVersionAndTheId() throws Exception {
    for (String key :
        new String[] {"k3y-of-this-modeldeployment", "k".repeat(64), "long-" + "x".repeat(100)}) {
      RequestIds ids = new RequestIds(key, "2.1.0", 100);
      long first = ids.nextSequences(3);
      for (String id :
          new String[] {
            ids.forClass(first, 1), ids.forClass(first + 2, 0), ids.forValue(first + 1, -3.25)
          }) {
        String unsigned = id.substring(0, id.lastIndexOf('-'));
        assertThat(id)
            .as("key of %d characters", key.length())
            .isEqualTo(unsigned + '-' + jdkSignature(key, "version 2.1.0\n" + unsigned));
      }
    }
  }

  @Test
  void anIdSignedByTheJdksMacIsTrustedByAnotherReplica() throws Exception {
    String key = "k3y-of-this-modeldeployment";
    String unsigned = "0badcafe-3e8-1";
    String issuedElsewhere = unsigned + '-' + jdkSignature(key, "version 1.0.0\n" + unsigned);
    RequestIds.Parsed parsed = new RequestIds(key, "1.0.0", 100).parse(issuedElsewhere, 3);
    assertThat(parsed.trusted()).isTrue();
    assertThat(parsed.local()).isFalse();
    assertThat(parsed.predictedClass()).isEqualTo(1);
    assertThat(parsed.sequence()).isEqualTo(0x3e8);
    String forged =
        unsigned.replace("-1", "-2") + '-' + jdkSignature(key, "version 1.0.0\n" + unsigned);
    assertThat(new RequestIds(key, "1.0.0", 100).parse(forged, 3).trusted()).isFalse();
  }

  @Test
  void aBatchTakesConsecutiveSequences() {
    RequestIds ids = new RequestIds(null, "1.0.0", 100);
    long a = ids.nextSequences(1000);
    long b = ids.nextSequences(1);
    assertThat(b).isEqualTo(a + 1000);
    assertThat(ids.parse(ids.forClass(a + 999, 0), 2).local()).isTrue();
  }

  @Test
  void anIdNamesTheReplicaThatHoldsItsRowOnlyToReplicasWithTheKey() throws Exception {
    String key = "k3y-of-this-modeldeployment";
    for (InetSocketAddress home :
        List.of(
            new InetSocketAddress(InetAddress.ofLiteral("10.244.3.17"), 8080),
            new InetSocketAddress(InetAddress.ofLiteral("fd00:10:244::3:17"), 8080))) {
      RequestIds issuer = new RequestIds(key, "1.0.0", 100, () -> home);
      String id = issuer.forClass(issuer.nextSequences(1), 2);
      String addressHex = HexFormat.of().formatHex(home.getAddress().getAddress());
      assertThat(id).as("a client sees no pod address").doesNotContain(addressHex);
      // still HMAC-SHA256 of the whole unsigned id, as every replica and version computes it
      String unsigned = id.substring(0, id.lastIndexOf('-'));
      assertThat(id).endsWith('-' + jdkSignature(key, "version 1.0.0\n" + unsigned));

      RequestIds.Parsed elsewhere = new RequestIds(key, "1.0.0", 100).parse(id, 3);
      assertThat(elsewhere.trusted()).isTrue();
      assertThat(elsewhere.local()).isFalse();
      assertThat(elsewhere.home()).isEqualTo(home);
      assertThat(issuer.parse(id, 3).local()).isTrue();

      // another address put into the id breaks its signature
      char[] tampered = id.toCharArray();
      tampered[9] = tampered[9] == '0' ? '1' : '0';
      RequestIds.Parsed forged = new RequestIds(key, "1.0.0", 100).parse(new String(tampered), 3);
      assertThat(forged.trusted()).isFalse();
      assertThat(forged.home()).isNull();
    }
  }

  @Test
  void withoutAKeyOrAHomeIdsStayShort() {
    var home = new InetSocketAddress(InetAddress.ofLiteral("10.244.3.17"), 8080);
    RequestIds unsigned = new RequestIds(null, "1.0.0", 100, () -> home);
    assertThat(unsigned.forClass(unsigned.nextSequences(1), 0).split("-")[0]).hasSize(8);
    RequestIds homeless = new RequestIds("k3y-of-this-modeldeployment", "1.0.0", 100);
    String id = homeless.forClass(homeless.nextSequences(1), 0);
    assertThat(id.split("-")[0]).hasSize(8);
    assertThat(new RequestIds("k3y-of-this-modeldeployment", "1.0.0", 100).parse(id, 2).home())
        .isNull();
  }

  private static String jdkSignature(String key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of()
        .formatHex(Arrays.copyOf(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)), 16));
  }
}
