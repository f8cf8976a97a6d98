package dev.rollguard.operator.decide;

/**
 * The work of one stage. A handler reads the observation, edits the status copy in the context
 * (revisions, analysis, history), asks for changes, notices and measurements there, and returns the
 * transition: the stage the Rollout is in afterwards and why.
 */
interface StageHandler {

  /**
   * @param entered how the Rollout came into this stage in this decision ({@link Transition#stay}
   *     when it was already there)
   */
  Transition handle(DecisionContext ctx, Transition entered);
}
