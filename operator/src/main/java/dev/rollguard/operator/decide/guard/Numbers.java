package dev.rollguard.operator.decide.guard;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Numbers as people read them in events and status: 150, 0.05, 12.35 — not 150.0 or 0.0500000001.
 */
public final class Numbers {

  private Numbers() {}

  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros();
    return rounded.scale() < 0 ? rounded.setScale(0).toPlainString() : rounded.toPlainString();
  }
}
