package io.switchboard.bench;

import java.util.ArrayList;
import java.util.List;

/** Everything measured for one system. */
final class PhaseResult {

  final String name;
  final List<String> notes = new ArrayList<>();
  /** Diagnostics printed after the table. */
  final List<String> diagnostics = new ArrayList<>();
  double startupSeconds;
  int poolSize;
  String synchronousCommit;
  LoadGenerator.Result load;
  ResourceMeter.Usage loadUsage;
  ResourceMeter.Usage drainUsage;
  int threadsAtEnd;
  int threadsPeak;
  double heapAfterGcMiB;
  long stored;
  /** Stored when the load stopped: how far the asynchronous part lagged. */
  long storedAtLoadEnd;
  Long eventsPublished;
  Long inboundAppended;
  Long deadLetters;
  double drainSeconds;
  String drainOutcome;

  PhaseResult(String name) {
    this.name = name;
  }

  /** Everything stored, over the whole time load was sent (warm-up included) plus the drain. */
  double endToEndPerSecond() {
    double t = load.loadSeconds() + drainSeconds;
    return t <= 0 ? 0 : stored / t;
  }
}
