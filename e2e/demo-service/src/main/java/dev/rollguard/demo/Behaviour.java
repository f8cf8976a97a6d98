package dev.rollguard.demo;

import java.util.Locale;

/** What a version of the service does, read from its image tag: 1.4.1, 1.4.2-leak, 1.4.3-errors. */
public enum Behaviour {
  /** Borrows a connection per request and returns it. */
  GOOD,
  /** Every second request borrows a connection and never returns it: the postmortem's bug. */
  LEAK,
  /** Every fifth request fails with a 500. */
  ERRORS;

  public static Behaviour fromImage(String image) {
    String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
    String lower = tag.toLowerCase(Locale.ROOT);
    if (lower.contains("leak")) {
      return LEAK;
    }
    if (lower.contains("error")) {
      return ERRORS;
    }
    return GOOD;
  }
}
