package dev.rollguard.operator.decide.guard;

/**
 * A guard's {@code maxIncrease}: relative ("50%") or absolute ("+40") to the pre-deploy baseline.
 */
public record Increase(boolean relative, double amount) {

  public static Increase parse(String text) {
    String trimmed = text.strip();
    try {
      if (trimmed.endsWith("%")) {
        return new Increase(true, Double.parseDouble(trimmed.substring(0, trimmed.length() - 1)));
      }
      if (trimmed.startsWith("+")) {
        return new Increase(false, Double.parseDouble(trimmed.substring(1)));
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "maxIncrease '" + text + "' must look like \"50%\" or \"+40\"");
  }

  /** The highest value allowed for this baseline. */
  public double limit(double baseline) {
    // A relative increase of a negative baseline would lower the limit; use its magnitude.
    return relative ? baseline + Math.abs(baseline) * amount / 100.0 : baseline + amount;
  }

  /**
   * The limit as people read it: {@code baseline 20 + 50%}, {@code baseline 8 + 15} ({@code what}
   * names the value it is added to).
   */
  public String over(String what, double base) {
    return what + " " + Numbers.format(base) + " + " + amountText();
  }

  /** The increase without the value it is added to: {@code + 50%}, {@code + 15}. */
  public String added() {
    return "+ " + amountText();
  }

  private String amountText() {
    return Numbers.format(amount) + (relative ? "%" : "");
  }

  /** As written in the spec: {@code 50%}, {@code +15}. */
  @Override
  public String toString() {
    return relative ? Numbers.format(amount) + "%" : "+" + Numbers.format(amount);
  }
}
