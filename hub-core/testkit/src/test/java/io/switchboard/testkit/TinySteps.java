package io.switchboard.testkit;

import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Small step factories for StepTesterTest. */
final class TinySteps {

  private TinySteps() {}

  /** Config of {@code tiny.length}: where to put the length, and a minimum below which it refuses. */
  record LengthConfig(String signal, int min, List<Rule> rules, java.time.Duration within) {
    LengthConfig {
      signal = signal == null ? "length" : signal;
      rules = rules == null ? List.of() : rules;
    }
  }

  record Rule(String match, String tag) {}

  /** Puts the text's length, whether it was a dry run, and the tags of matching rules. */
  static final class LengthStepFactory implements StepFactory<LengthConfig> {
    @Override
    public String name() {
      return "tiny.length";
    }

    @Override
    public Class<LengthConfig> configType() {
      return LengthConfig.class;
    }

    @Override
    public Step create(LengthConfig config) {
      if (config.min() < 0) {
        throw new IllegalArgumentException("min must be 0 or more, got " + config.min());
      }
      return execution -> {
        String text = execution.interaction().text();
        if (text.length() < config.min()) {
          throw new IllegalStateException("text shorter than " + config.min());
        }
        execution.putSignal(config.signal(), text.length());
        execution.putSignal("dryRun", execution.dryRun());
        List<String> tags = config.rules().stream().filter(r -> text.contains(r.match())).map(Rule::tag).toList();
        if (!tags.isEmpty()) {
          execution.putSignal("tags", tags);
        }
        execution.signal("previous").ifPresent(p -> execution.putSignal("sawPrevious", true));
      };
    }
  }

  /** A step without configuration that puts one constant signal. */
  static final class ConstantStepFactory implements StepFactory<Void> {
    @Override
    public String name() {
      return "tiny.constant";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Step create(Void config) {
      return execution -> execution.putSignal("constant", 42);
    }
  }

  /** A step that blocks until interrupted, and says so on {@link #interrupted}. */
  static final class HangingStepFactory implements StepFactory<Void> {
    final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public String name() {
      return "tiny.hang";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Step create(Void config) {
      return execution -> {
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
      };
    }
  }

  /** A step that puts whatever object it was built with (to test the JSON rule on signals). */
  static final class ObjectStepFactory implements StepFactory<Void> {
    private final Object value;

    ObjectStepFactory(Object value) {
      this.value = value;
    }

    @Override
    public String name() {
      return "tiny.object";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Step create(Void config) {
      return execution -> execution.putSignal("value", value);
    }
  }
}
