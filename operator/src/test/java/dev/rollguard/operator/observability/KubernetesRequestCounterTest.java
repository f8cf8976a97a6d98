package dev.rollguard.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubernetesRequestCounterTest {

  @Test
  void aGetThatOpensAWatchCountsAsWatch() {
    assertThat(KubernetesRequestCounter.verb("GET", "resourceVersion=12&watch=true"))
        .isEqualTo("watch");
    assertThat(KubernetesRequestCounter.verb("GET", "watch=1&allowWatchBookmarks=true"))
        .isEqualTo("watch");
  }

  @Test
  void otherRequestsCountByTheirMethod() {
    assertThat(KubernetesRequestCounter.verb("GET", null)).isEqualTo("get");
    assertThat(KubernetesRequestCounter.verb("GET", "labelSelector=watch%3Dtrue")).isEqualTo("get");
    assertThat(KubernetesRequestCounter.verb("PATCH", null)).isEqualTo("patch");
    assertThat(KubernetesRequestCounter.verb("PUT", "fieldManager=rollguard")).isEqualTo("put");
  }
}
