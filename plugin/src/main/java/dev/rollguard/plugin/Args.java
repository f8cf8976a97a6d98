package dev.rollguard.plugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command line as kubectl plugins take it: a command, names, and kubectl-style flags ({@code -n
 * shop}, {@code --namespace=shop}, {@code -A}, {@code -w}). Parsed by hand rather than with an
 * annotation-driven library: the plugin must start in a fraction of a second, and reflective
 * parsing cost about 0.2 s of it (measured, docs/plugin.md).
 */
final class Args {

  /** Flags that take a value, by every name they have, mapped to their long name. */
  private static final Map<String, String> VALUED =
      Map.of(
          "-n", "--namespace",
          "--namespace", "--namespace",
          "--context", "--context",
          "--kubeconfig", "--kubeconfig",
          "--timeout", "--timeout",
          "-o", "--output",
          "--output", "--output");

  /** Switches (no value), by every name, mapped to their long name. */
  private static final Map<String, String> SWITCHES =
      Map.of(
          "-A", "--all-namespaces",
          "--all-namespaces", "--all-namespaces",
          "-w", "--watch",
          "--watch", "--watch",
          "--no-wait", "--no-wait",
          "--client", "--client",
          "-h", "--help",
          "--help", "--help");

  final List<String> positionals = new ArrayList<>();
  private final Map<String, String> values = new HashMap<>();

  /** A command line the plugin cannot take; the message names the offending part. */
  static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }

  static Args parse(List<String> words) {
    Args args = new Args();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.equals("--")) {
        args.positionals.addAll(words.subList(i + 1, words.size()));
        break;
      }
      if (!word.startsWith("-") || word.equals("-")) {
        args.positionals.add(word);
        continue;
      }
      String flag = word;
      String value = null;
      int equals = word.indexOf('=');
      if (word.startsWith("--") && equals > 0) {
        flag = word.substring(0, equals);
        value = word.substring(equals + 1);
      } else if (!word.startsWith("--")
          && word.length() > 2
          && VALUED.containsKey(word.substring(0, 2))) {
        flag = word.substring(0, 2); // -nshop, as kubectl accepts it
        value = word.substring(2);
      }
      if (VALUED.containsKey(flag)) {
        if (value == null) {
          if (i + 1 >= words.size()) {
            throw new UsageError("flag needs an argument: " + flag);
          }
          value = words.get(++i);
        }
        if (value.isEmpty()) {
          throw new UsageError("flag needs a non-empty argument: " + flag);
        }
        args.values.put(VALUED.get(flag), value);
      } else if (SWITCHES.containsKey(flag)) {
        if (value != null && !value.equals("true")) {
          if (!value.equals("false")) {
            throw new UsageError("flag takes true or false: " + flag + "=" + value);
          }
          continue;
        }
        args.values.put(SWITCHES.get(flag), "true");
      } else {
        throw new UsageError("unknown flag: " + word);
      }
    }
    return args;
  }

  /** Refuses flags the command does not take, naming the first one. */
  Args allow(String command, Set<String> flags) {
    for (String flag : values.keySet()) {
      if (!flags.contains(flag)) {
        throw new UsageError(command + " does not take " + flag);
      }
    }
    return this;
  }

  Optional<String> value(String flag) {
    return Optional.ofNullable(values.get(flag));
  }

  boolean has(String flag) {
    return values.containsKey(flag);
  }

  /** The one NAME a command needs. */
  String name(String command) {
    if (positionals.isEmpty()) {
      throw new UsageError(command + " needs the name of a Rollout");
    }
    if (positionals.size() > 1) {
      throw new UsageError(command + " takes one Rollout, got " + String.join(" ", positionals));
    }
    return positionals.get(0);
  }

  ClusterOptions cluster() {
    if (has("--all-namespaces") && has("--namespace")) {
      throw new UsageError("--namespace and --all-namespaces exclude each other");
    }
    return new ClusterOptions(
        values.get("--namespace"),
        has("--all-namespaces"),
        values.get("--context"),
        values.get("--kubeconfig"));
  }
}
