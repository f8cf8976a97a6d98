package dev.rollguard.operator.reconcile;

import java.util.List;

/**
 * What the reconciler observed of the guarded Deployment.
 *
 * @param hash hash of its current pod template
 * @param available every desired replica runs the current template and is available
 * @param availability readiness in words, e.g. "2/3 updated replicas available"
 */
public record WorkloadState(String hash, List<String> images, boolean available, String availability) {}
