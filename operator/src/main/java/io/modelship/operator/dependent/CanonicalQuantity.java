package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantities written the way the API server stores them ({@code 0.5} becomes {@code 500m}, {@code
 * 1024Mi} becomes {@code 1Gi}), so a Deployment read back matches the desired one and a differently
 * spelled but equal amount never causes an update on every reconcile.
 */
public final class CanonicalQuantity {

  private static final List<String> BINARY = List.of("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei");
  private static final List<String> DECIMAL = List.of("", "k", "M", "G", "T", "P", "E");
  private static final BigInteger KIBI = BigInteger.valueOf(1024);
  private static final BigInteger KILO = BigInteger.valueOf(1000);

  private CanonicalQuantity() {}

  public static ResourceRequirements of(ResourceRequirements resources) {
    return new ResourceRequirementsBuilder(resources)
        .withLimits(canonical(resources.getLimits()))
        .withRequests(canonical(resources.getRequests()))
        .build();
  }

  private static Map<String, Quantity> canonical(Map<String, Quantity> amounts) {
    if (amounts == null) {
      return null;
    }
    var result = new LinkedHashMap<String, Quantity>();
    amounts.forEach((name, amount) -> result.put(name, of(amount)));
    return result;
  }

  /** The canonical form, or the quantity unchanged when it cannot be read. */
  public static Quantity of(Quantity quantity) {
    if (quantity == null) {
      return null;
    }
    BigDecimal value;
    try {
      value = quantity.getNumericalAmount();
    } catch (IllegalArgumentException | ArithmeticException e) {
      return quantity;
    }
    String format = quantity.getFormat() == null ? "" : quantity.getFormat();
    boolean binary = format.endsWith("i");
    if (value.signum() == 0) {
      return new Quantity("0");
    }
    if (value.stripTrailingZeros().scale() <= 0) {
      BigInteger whole = value.toBigIntegerExact();
      return new Quantity(binary ? largest(whole, KIBI, BINARY) : largest(whole, KILO, DECIMAL));
    }
    for (String suffix : List.of("m", "u", "n")) {
      value = value.movePointRight(3);
      if (value.stripTrailingZeros().scale() <= 0) {
        return new Quantity(value.toBigIntegerExact() + suffix);
      }
    }
    return quantity;
  }

  private static String largest(BigInteger value, BigInteger base, List<String> suffixes) {
    int exponent = 0;
    while (exponent < suffixes.size() - 1 && value.mod(base).signum() == 0) {
      value = value.divide(base);
      exponent++;
    }
    return value + suffixes.get(exponent);
  }
}
