package dev.rollguard.operator.decide;

/** The three values of a Kubernetes condition's status. */
enum ConditionStatus {
  True,
  False,
  Unknown
}
