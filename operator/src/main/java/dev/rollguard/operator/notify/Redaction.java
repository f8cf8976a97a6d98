package dev.rollguard.operator.notify;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes a target's URL and token out of text before it is logged: an exception's message may quote
 * the URL, and a webhook URL is itself a credential (Slack's carries its token in the path).
 */
final class Redaction {

  private Redaction() {}

  /** {@code text} with every form of {@code url} and {@code token} replaced by the target. */
  static String redact(String text, String target, String url, String token) {
    if (text == null) {
      return null;
    }
    List<String> secrets = new ArrayList<>();
    if (url != null && !url.isBlank()) {
      secrets.add(url);
      try {
        URI uri = URI.create(url);
        add(secrets, uri.getRawAuthority());
        add(secrets, uri.getRawPath());
        add(secrets, uri.getPath());
        add(secrets, uri.getRawQuery());
        add(secrets, uri.getHost());
        add(secrets, uri.getRawUserInfo());
      } catch (IllegalArgumentException e) {
        // not a URI: the whole string is replaced, as above
      }
    }
    add(secrets, token);
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    String redacted = text;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, "<" + target + ">");
    }
    return redacted;
  }

  private static void add(List<String> secrets, String part) {
    // "/" or "" alone are no secret and would garble the text.
    if (part != null && part.length() > 1) {
      secrets.add(part);
    }
  }
}
