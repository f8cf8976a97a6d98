package dev.rollguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {

  @Test
  void readsKubectlStyleFlagsInEveryForm() {
    Args args =
        Args.parse(List.of("web", "-n", "shop", "--context=prod", "-w", "--kubeconfig", "/k"));
    assertThat(args.positionals).containsExactly("web");
    assertThat(args.cluster()).isEqualTo(new ClusterOptions("shop", false, "prod", "/k"));
    assertThat(args.has("--watch")).isTrue();
    assertThat(Args.parse(List.of("-nshop")).cluster().namespace()).isEqualTo("shop");
    assertThat(Args.parse(List.of("--namespace=shop")).cluster().namespace()).isEqualTo("shop");
    assertThat(Args.parse(List.of("-A")).cluster().allNamespaces()).isTrue();
    assertThat(Args.parse(List.of("--watch=false")).has("--watch")).isFalse();
  }

  @Test
  void passesTheConnectionFlagsToKubectlAndTheNamespaceWhereItMatters() {
    ClusterOptions cluster = Args.parse(List.of("-n", "shop", "--context", "prod")).cluster();
    assertThat(cluster.connection()).containsExactly("--context=prod");
    assertThat(cluster.scoped("get", "x")).containsExactly("get", "x", "--namespace=shop");
    assertThat(new ClusterOptions(null, true, null, null).scope())
        .containsExactly("--all-namespaces");
    assertThat(new ClusterOptions(null, false, null, null).scope()).isEmpty();
  }

  @Test
  void namesWhatIsWrong() {
    assertThatThrownBy(() -> Args.parse(List.of("--bogus"))).hasMessage("unknown flag: --bogus");
    assertThatThrownBy(() -> Args.parse(List.of("-n"))).hasMessage("flag needs an argument: -n");
    assertThatThrownBy(() -> Args.parse(List.of("--namespace=")))
        .hasMessage("flag needs a non-empty argument: --namespace");
    assertThatThrownBy(() -> Args.parse(List.of("--watch=maybe")))
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> Args.parse(List.of("-n", "a", "-A")).cluster())
        .hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> Args.parse(List.of("--watch")).allow("report", Help.withCluster()))
        .hasMessage("report does not take --watch");
    assertThatThrownBy(() -> Args.parse(List.of()).name("status"))
        .hasMessage("status needs the name of a Rollout");
    assertThatThrownBy(() -> Args.parse(List.of("a", "b")).name("status"))
        .hasMessage("status takes one Rollout, got a b");
  }

  @Test
  void takesNamesAfterADoubleDash() {
    assertThat(Args.parse(List.of("--", "-odd")).positionals).containsExactly("-odd");
  }
}
