package dev.rollguard.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Guards every deploy of one Deployment and rolls it back to its last stable revision. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("rg")
/*
 * The columns of kubectl get, in this order (PrinterColumnOrder puts them so in the generated CRD,
 * whose generator sorts them by JSON path): what it guards, how it is, the canary step, the images,
 * the age; with -o wide, the last decision and when, then the long message.
 */
@AdditionalPrinterColumn(
    name = "Target",
    jsonPath = ".spec.workloadRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Step",
    jsonPath = ".status.canary.step",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Current",
    jsonPath = ".status.currentRevision.images[0]",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Stable",
    jsonPath = ".status.stableRevision.images[0]",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Decision",
    jsonPath = ".status.lastDecision.type",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Decided",
    jsonPath = ".status.lastDecision.at",
    type = AdditionalPrinterColumn.Type.DATE,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status.message",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
public class Rollout extends CustomResource<RolloutSpec, RolloutStatus> implements Namespaced {

  public static final String GROUP = "rollguard.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  protected RolloutStatus initStatus() {
    return new RolloutStatus();
  }
}
