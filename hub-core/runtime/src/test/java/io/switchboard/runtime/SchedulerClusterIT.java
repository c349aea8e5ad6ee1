package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.scheduling.JobScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub instances sharing one PostgreSQL (and one Kafka) form one scheduler cluster: a job that
 * fires every two seconds runs once per fire, never twice and never skipped, whichever instance takes it.
 */
class SchedulerClusterIT {

  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  static final String TENANT = """
      id: tick
      apiKeys: [sb_tick_key]
      schedules:
        deadLetters: {cron: "*/2 * * * * ?"}
      """;

  static void runs(HubFixture hub, Instant from, Instant to, List<Instant> fires, Set<String> instances) throws Exception {
    try (Connection c = hub.hub.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("""
        select scheduled_at, instance_id, status from job_runs
         where tenant_id = 'tick' and job = 'deadLetters' and scheduled_at > ? and scheduled_at < ? order by scheduled_at""")) {
      ps.setTimestamp(1, java.sql.Timestamp.from(from));
      ps.setTimestamp(2, java.sql.Timestamp.from(to));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fires.add(rs.getTimestamp(1).toInstant());
          instances.add(rs.getString(2));
          assertThat(rs.getString(3)).isEqualTo("done");
        }
      }
    }
  }

  @Test
  void aScheduledJobRunsOnceAcrossTwoInstances() throws Exception {
    int pgPort = HubFixture.freePort();
    try (HubFixture a = HubFixture.prepare(dirA); HubFixture b = HubFixture.prepare(dirB)) {
      Files.writeString(a.home.resolve("config/tenants/tick.yaml"), TENANT);
      Files.writeString(b.home.resolve("config/tenants/tick.yaml"), TENANT);
      a.overrides.put(SwitchboardConfig.DB_EMBEDDED_PORT, String.valueOf(pgPort));
      a.overrides.put(SwitchboardConfig.SCHEDULER_INSTANCE_ID, "alpha");
      a.overrides.put(SwitchboardConfig.SCHEDULER_CHECKIN, "1000");
      a.start();
      b.overrides.put(SwitchboardConfig.DB_URL, "jdbc:postgresql://localhost:" + pgPort + "/postgres");
      b.overrides.put(SwitchboardConfig.DB_USER, "postgres");
      b.overrides.put(SwitchboardConfig.KAFKA_BOOTSTRAP, a.hub.kafkaBootstrapServers());
      b.overrides.put(SwitchboardConfig.SCHEDULER_INSTANCE_ID, "beta");
      b.overrides.put(SwitchboardConfig.SCHEDULER_CHECKIN, "1000");
      b.start();

      JobScheduler sa = a.hub.readiness().services().scheduler();
      JobScheduler sb = b.hub.readiness().services().scheduler();
      Instant bothUp = Instant.now();
      Thread.sleep(12_000);
      Instant split = Instant.now();
      List<Instant> fires = new ArrayList<>();
      Set<String> instances = new HashSet<>();
      runs(a, bothUp, split.minusSeconds(2), fires, instances);
      // every two seconds, none skipped: consecutive fires are exactly one period apart
      assertThat(fires.size()).isGreaterThanOrEqualTo(4);
      for (int i = 1; i < fires.size(); i++) {
        assertThat(java.time.Duration.between(fires.get(i - 1), fires.get(i)).toMillis()).isEqualTo(2000);
      }
      assertThat(instances).isSubsetOf("alpha", "beta");
      System.out.println("SchedulerClusterIT: " + fires.size() + " fires with both up, run by " + instances);

      // one instance's scheduler stops: the other goes on with the job
      String first = instances.contains("alpha") ? "alpha" : "beta";
      JobScheduler stopped = first.equals("alpha") ? sa : sb;
      stopped.close();
      Instant afterStop = Instant.now();
      Thread.sleep(12_000);
      List<Instant> later = new ArrayList<>();
      Set<String> laterInstances = new HashSet<>();
      runs(a, afterStop, Instant.now(), later, laterInstances);
      assertThat(later.size()).isGreaterThanOrEqualTo(3);
      assertThat(laterInstances).containsExactly(first.equals("alpha") ? "beta" : "alpha");
      System.out.println("SchedulerClusterIT: " + later.size() + " fires after " + first + " stopped, run by " + laterInstances);

      // neither instance was ever handed a fire the other had run: Quartz's cluster lock did it, not the backstop key
      assertThat(sa.duplicateFires()).isZero();
      assertThat(sb.duplicateFires()).isZero();
      b.stop();
    }
  }
}
