package dev.rollguard.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class list that the class-data-sharing archive is dumped from (operator/cds) must name the
 * classes the operator has: after a dependency upgrade the dump would skip the renamed ones and the
 * archive would shrink without a word.
 */
class ClassListDriftTest {

  static final Path CLASS_LIST =
      Path.of(System.getProperty("rollguard.repo.dir", ".."), "operator/cds/rollguard.classlist");

  @Test
  void everyListedClassOfTheOperatorAndItsLibrariesExists() throws IOException {
    List<String> missing =
        libraryClasses().stream().filter(name -> !loadable(name)).limit(20).toList();
    assertThat(missing)
        .as(
            "%s names classes the operator no longer has; run operator/cds/refresh-classlist and"
                + " commit the result",
            CLASS_LIST)
        .isEmpty();
  }

  @Test
  void theListCoversTheOperatorBeyondItsStart() throws IOException {
    // A list recorded from an operator that only started would leave the reconcile path out.
    assertThat(libraryClasses())
        .contains(
            "dev.rollguard.operator.RollguardMain",
            "io.javaoperatorsdk.operator.Operator",
            "io.fabric8.kubernetes.api.model.apps.Deployment")
        .filteredOn(name -> name.startsWith("dev.rollguard."))
        .hasSizeGreaterThan(100);
  }

  /** Classes named by the list that are not the JDK's: one per line, before any attributes. */
  static List<String> libraryClasses() throws IOException {
    return Files.readAllLines(CLASS_LIST).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("@"))
        .map(line -> line.split(" ", 2)[0].replace('/', '.'))
        .filter(name -> !name.matches("(java|javax|jdk|sun|com\\.sun)\\..*"))
        .toList();
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, ClassListDriftTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
