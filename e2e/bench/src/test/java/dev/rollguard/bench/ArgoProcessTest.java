package dev.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArgoProcessTest {

  @Test
  void namesRequestsBySubresourceWhereArgosCounterLabelsThemByObjectName() {
    assertThat(ArgoProcess.requestKind("events", "N/A", "Create", "201"))
        .isEqualTo("events Create");
    assertThat(ArgoProcess.requestKind("app-00042", "status", "Patch", "200"))
        .isEqualTo("rollouts/status Patch");
    assertThat(ArgoProcess.requestKind("app-00042-5d8f9c-2", "status", "Patch", "200"))
        .isEqualTo("(object of the fleet)/status Patch");
    assertThat(ArgoProcess.requestKind("", "", "Create", "201"))
        .isEqualTo("(protobuf body) Create");
    assertThat(ArgoProcess.requestKind("rollouts", "app-00042", "Update", "409"))
        .isEqualTo("rollouts Update 409");
  }
}
