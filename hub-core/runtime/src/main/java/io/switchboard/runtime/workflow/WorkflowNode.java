package io.switchboard.runtime.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * One compiled node of a tenant's workflow (a step, a choice or a stop), run over the interactions
 * of one tenant that arrive together. A node only looks at items that are still active and leaves
 * the others as they are.
 */
public interface WorkflowNode {

  /** The node's id, unique in the tenant's workflow; it names the node in traces and in Camel. */
  String id();

  /**
   * Runs the node.
   *
   * @param items the items that reached the node (some may have stopped or failed already)
   */
  void run(List<WorkflowItem> items, boolean dryRun) throws InterruptedException;

  /** The items whose condition holds, or all active ones when there is none; traces the others. */
  static List<WorkflowItem> where(String node, Expressions.Expression when, List<WorkflowItem> items) {
    List<WorkflowItem> out = new ArrayList<>(items.size());
    for (WorkflowItem item : items) {
      if (!item.active()) {
        continue;
      }
      if (when == null) {
        out.add(item);
        continue;
      }
      try {
        if (when.test(item.variables())) {
          out.add(item);
        } else {
          item.trace(node, "skipped", "condition is false");
        }
      } catch (Expressions.EvaluationException e) {
        item.trace(node, "condition-error", e.getMessage() + " (taken as false)");
      }
    }
    return out;
  }

  /**
   * Whether a condition holds for an item. A condition that cannot be evaluated (a signal an
   * earlier step did not set) is false, and the trace says why: write {@code has(signals.x) && ...}
   * to make that explicit.
   */
  static boolean holds(String node, Expressions.Expression when, WorkflowItem item) {
    try {
      return when.test(item.variables());
    } catch (Expressions.EvaluationException e) {
      item.trace(node, "condition-error", e.getMessage() + " (taken as false)");
      return false;
    }
  }

  /** Runs nodes in order over the same items. */
  static void runAll(List<WorkflowNode> nodes, List<WorkflowItem> items, boolean dryRun) throws InterruptedException {
    for (WorkflowNode n : nodes) {
      if (items.stream().noneMatch(WorkflowItem::active)) {
        return;
      }
      n.run(items, dryRun);
    }
  }

  /** A step: runs once over all the items whose condition holds. */
  record StepNode(String id, StepRunner.ConfiguredStep step, Expressions.Expression when, boolean continueOnError,
      StepRunner runner) implements WorkflowNode {
    @Override
    public void run(List<WorkflowItem> items, boolean dryRun) throws InterruptedException {
      List<WorkflowItem> active = where(id, when, items);
      if (!active.isEmpty()) {
        runner.runBatch(id, step, active, dryRun, continueOnError);
      }
    }
  }

  /** A branch of a choice. */
  record Branch(String id, Expressions.Expression condition, List<WorkflowNode> nodes) {}

  /** A choice: each item takes the first branch whose condition holds, or 'otherwise'. */
  record ChoiceNode(String id, List<Branch> branches, List<WorkflowNode> otherwise) implements WorkflowNode {
    @Override
    public void run(List<WorkflowItem> items, boolean dryRun) throws InterruptedException {
      List<List<WorkflowItem>> taken = new ArrayList<>();
      branches.forEach(b -> taken.add(new ArrayList<>()));
      List<WorkflowItem> rest = new ArrayList<>();
      for (WorkflowItem item : items) {
        if (!item.active()) {
          continue;
        }
        int chosen = -1;
        for (int b = 0; b < branches.size() && chosen < 0; b++) {
          if (holds(id, branches.get(b).condition(), item)) {
            chosen = b;
          }
        }
        if (chosen >= 0) {
          item.trace(id, "branch", branches.get(chosen).id());
          taken.get(chosen).add(item);
        } else {
          item.trace(id, "branch", "otherwise");
          rest.add(item);
        }
      }
      for (int b = 0; b < branches.size(); b++) {
        if (!taken.get(b).isEmpty()) {
          runAll(branches.get(b).nodes(), taken.get(b), dryRun);
        }
      }
      if (!rest.isEmpty()) {
        runAll(otherwise, rest, dryRun);
      }
    }
  }

  /** A stop: ends the workflow for the items whose condition holds. */
  record StopNode(String id, Expressions.Expression when, String reason) implements WorkflowNode {
    @Override
    public void run(List<WorkflowItem> items, boolean dryRun) {
      for (WorkflowItem item : where(id, when, items)) {
        item.stop(id, reason == null ? "stop" : reason);
      }
    }
  }
}
