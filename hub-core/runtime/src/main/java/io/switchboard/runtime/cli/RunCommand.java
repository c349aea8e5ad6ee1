package io.switchboard.runtime.cli;

import io.switchboard.runtime.SwitchboardRuntime;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.tenant.TenantConfigException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code switchboard run}: starts the hub in the foreground until interrupted. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Start the hub in the foreground: HTTP on switchboard.http.port, embedded PostgreSQL and Kafka unless",
        "switchboard.db.url / switchboard.kafka.bootstrap-servers are set. Stop with Ctrl-C.",
        "Configuration: $SWITCHBOARD_HOME/config/switchboard.properties, overridden by SWITCHBOARD_* variables."})
final class RunCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
    SwitchboardRuntime hub = new SwitchboardRuntime(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.close();
      stopped.countDown();
    }, "switchboard-shutdown"));
    try {
      hub.start();
      hub.awaitReady(Duration.ofMinutes(5));
    } catch (TenantConfigException e) {
      System.err.println("Invalid tenant configuration:\n" + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("Switchboard failed to start: " + e.getMessage());
      return 1;
    }
    stopped.await();
    return 0;
  }
}
