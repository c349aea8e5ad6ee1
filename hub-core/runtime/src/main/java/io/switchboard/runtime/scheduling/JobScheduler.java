package io.switchboard.runtime.scheduling;

import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' scheduled jobs on Quartz with its JDBC job store in the hub's PostgreSQL, clustered:
 * every hub instance sharing the database runs a scheduler, and each fire of a job is taken by
 * exactly one of them (Quartz's row locks in {@code qrtz_locks}); an instance that dies has its
 * jobs recovered by another. Each run is also recorded in {@code job_runs} under a unique key of
 * (tenant, job, scheduled time), so a run can never be recorded, or done, twice.
 *
 * <p>The jobs follow the tenant files: {@link #sync} adds, reschedules and removes them when a file
 * changes.
 */
public final class JobScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
  static final String GROUP = "switchboard-tenants";
  private static final String SCHEDULER_NAME = "switchboard";

  private final DataSource dataSource;
  private final Supplier<TenantRegistry> tenants;
  private final TenantJobs jobs;
  private final String instanceId;
  private final Scheduler scheduler;
  private final String dataSourceName;
  private final java.util.concurrent.atomic.AtomicLong duplicateFires = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param instanceId this instance's name in the cluster; null or empty for a generated one
   * @param threads jobs run at once on this instance
   * @param checkin how often this instance tells the cluster it is alive
   */
  public JobScheduler(DataSource dataSource, Supplier<TenantRegistry> tenants, TenantJobs jobs, String instanceId,
      int threads, Duration checkin) throws SchedulerException {
    this.dataSource = dataSource;
    this.tenants = tenants;
    this.jobs = jobs;
    this.instanceId = instanceId == null || instanceId.isBlank() ? host() + "-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
    // Quartz keeps data sources and schedulers in JVM-wide registries; names unique to this hub let
    // several hubs share a JVM (tests, benches) while they share one cluster in the database.
    this.dataSourceName = "switchboard-" + UUID.randomUUID();
    DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new ConnectionProvider() {
      @Override
      public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
      }

      @Override
      public void shutdown() {
        // the hub's pool is closed by the hub
      }

      @Override
      public void initialize() {
        // the hub's pool is already open
      }
    });
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
    p.setProperty("org.quartz.scheduler.instanceId", this.instanceId);
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    p.setProperty("org.quartz.scheduler.threadName", "switchboard-scheduler");
    // how long an idle instance waits before looking for due triggers again: it also bounds how soon
    // it notices jobs another instance scheduled, or takes over from one that stopped
    p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Math.max(1, threads)));
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.threadPool.threadNamePrefix", "switchboard-job");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkin.toMillis()));
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
    StdSchedulerFactory factory = new StdSchedulerFactory(p);
    this.scheduler = factory.getScheduler();
    SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
    scheduler.setJobFactory((bundle, s) -> new RunJob(this));
  }

  /** Starts firing jobs; call {@link #sync} first so that the jobs match the tenant files. */
  public JobScheduler start() throws SchedulerException {
    scheduler.start();
    LOG.info("Scheduler started as instance {} of cluster '{}'", instanceId, SCHEDULER_NAME);
    return this;
  }

  public String instanceId() {
    return instanceId;
  }

  /** Fires this instance received for a run another instance had already claimed; Quartz's clustering keeps it at 0. */
  public long duplicateFires() {
    return duplicateFires.get();
  }

  private static String key(String tenant, String job) {
    return tenant + "." + job;
  }

  /** Makes the scheduled jobs those the tenant files declare; a job whose cron did not change keeps its schedule. */
  public synchronized void sync() {
    try {
      Map<String, String[]> desired = new LinkedHashMap<>();
      for (Tenant t : tenants.get().all()) {
        TenantJobs.declared(t).forEach((job, cron) -> desired.put(key(t.id(), job), new String[] {t.id(), job, cron}));
      }
      for (JobKey k : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
        if (!desired.containsKey(k.getName())) {
          scheduler.deleteJob(k);
          LOG.info("Unscheduled job {}", k.getName());
        }
      }
      for (Map.Entry<String, String[]> e : desired.entrySet()) {
        String[] d = e.getValue();
        TriggerKey tk = TriggerKey.triggerKey(e.getKey(), GROUP);
        Trigger existing = scheduler.getTrigger(tk);
        if (existing instanceof CronTrigger ct && ct.getCronExpression().equals(d[2])) {
          continue;
        }
        JobDetail job = JobBuilder.newJob(RunJob.class).withIdentity(e.getKey(), GROUP)
            .usingJobData("tenant", d[0]).usingJobData("job", d[1]).requestRecovery(true).build();
        CronTrigger trigger = TriggerBuilder.newTrigger().withIdentity(tk).forJob(job)
            .withSchedule(CronScheduleBuilder.cronSchedule(d[2]).withMisfireHandlingInstructionFireAndProceed()).build();
        scheduler.scheduleJob(job, Set.of(trigger), true);
        LOG.info("Scheduled job {} at '{}' (next {})", e.getKey(), d[2], trigger.getFireTimeAfter(new java.util.Date()));
      }
    } catch (SchedulerException e) {
      LOG.warn("Could not bring the scheduled jobs in line with the tenant files: {}", e.toString());
    }
  }

  /** The tenant's jobs: schedule, next fire time and recent runs. */
  public List<Map<String, Object>> describe(Tenant tenant) {
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      for (Map.Entry<String, String> e : TenantJobs.declared(tenant).entrySet()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", e.getKey());
        m.put("cron", e.getValue());
        Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(key(tenant.id(), e.getKey()), GROUP));
        m.put("nextFireAt", t == null || t.getNextFireTime() == null ? null : t.getNextFireTime().toInstant().toString());
        m.put("previousFireAt", t == null || t.getPreviousFireTime() == null ? null : t.getPreviousFireTime().toInstant().toString());
        m.put("recentRuns", recentRuns(tenant.id(), e.getKey(), 10));
        out.add(m);
      }
    } catch (SchedulerException | SQLException e) {
      throw ApiError.unavailable("scheduler_unavailable", "the scheduler's store is not answering; retry later", 5);
    }
    return out;
  }

  /**
   * Fires one of the tenant's jobs now, on whichever instance takes it.
   *
   * @throws ApiError 404 when the tenant does not schedule that job
   */
  public void runNow(Tenant tenant, String job) {
    if (!TenantJobs.declared(tenant).containsKey(job)) {
      throw ApiError.notFound("job_not_found", "tenant '" + tenant.id() + "' schedules no job '" + job + "'; it schedules "
          + TenantJobs.declared(tenant).keySet() + " (declare jobs under 'schedules' in its file)");
    }
    try {
      scheduler.triggerJob(JobKey.jobKey(key(tenant.id(), job), GROUP));
    } catch (SchedulerException e) {
      throw ApiError.unavailable("scheduler_unavailable", "the scheduler could not take the job now: retry later", 5);
    }
  }

  private List<Map<String, Object>> recentRuns(String tenant, String job, int limit) throws SQLException {
    List<Map<String, Object>> runs = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        select id, scheduled_at, started_at, finished_at, instance_id, status, result::text from job_runs
         where tenant_id = ? and job = ? order by started_at desc limit ?""")) {
      ps.setString(1, tenant);
      ps.setString(2, job);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("id", rs.getObject(1, UUID.class));
          r.put("scheduledAt", rs.getTimestamp(2).toInstant().toString());
          r.put("startedAt", rs.getTimestamp(3).toInstant().toString());
          r.put("finishedAt", rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant().toString());
          r.put("instance", rs.getString(5));
          r.put("status", rs.getString(6));
          r.put("result", rs.getString(7) == null ? null : Json.MAPPER.readTree(rs.getString(7)));
          runs.add(r);
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SQLException("job_runs.result is not JSON", e);
      }
    }
    return runs;
  }

  /** Runs one fire of a job: claims it in job_runs, runs it, records how it ended. */
  void execute(String tenantId, String job, Instant scheduledAt) {
    Tenant tenant = tenants.get().find(tenantId).orElse(null);
    if (tenant == null) {
      LOG.info("Skipping job {} of tenant {}: the tenant is not configured on this instance", job, tenantId);
      return;
    }
    UUID runId = Ids.newId();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        insert into job_runs (id, tenant_id, job, scheduled_at, started_at, instance_id, status)
        values (?, ?, ?, ?, now(), ?, 'running') on conflict (tenant_id, job, scheduled_at) do nothing""")) {
      ps.setObject(1, runId);
      ps.setString(2, tenantId);
      ps.setString(3, job);
      ps.setTimestamp(4, Timestamp.from(scheduledAt));
      ps.setString(5, instanceId);
      if (ps.executeUpdate() == 0) {
        duplicateFires.incrementAndGet();
        LOG.warn("Job {} of tenant {} for {} already ran; not running it again", job, tenantId, scheduledAt);
        return;
      }
    } catch (SQLException e) {
      LOG.warn("Job {} of tenant {} could not start: {}", job, tenantId, e.toString());
      return;
    }
    long t0 = System.nanoTime();
    String status;
    Map<String, Object> result;
    try {
      result = new LinkedHashMap<>(jobs.run(tenant, job, Instant.now()));
      status = "done";
    } catch (Exception e) {
      LOG.warn("Job {} of tenant {} failed: {}", job, tenantId, e.toString(), e);
      result = new LinkedHashMap<>();
      result.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      status = "failed";
    }
    result.put("durationMs", (System.nanoTime() - t0) / 1_000_000);
    LOG.info("Job {} of tenant {} {}: {}", job, tenantId, status, result);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update job_runs set finished_at = now(), status = ?, result = ?::jsonb where id = ?")) {
      ps.setString(1, status);
      ps.setString(2, Json.write(result));
      ps.setObject(3, runId);
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("Could not record the end of job {} of tenant {}: {}", job, tenantId, e.toString());
    }
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "switchboard";
    }
  }

  @Override
  public void close() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      LOG.warn("Scheduler did not stop cleanly: {}", e.toString());
    }
  }

  /** The Quartz job: one fire of one tenant's job. Quartz never runs two fires of the same job at once. */
  @DisallowConcurrentExecution
  public static final class RunJob implements Job {
    private final JobScheduler owner;

    public RunJob(JobScheduler owner) {
      this.owner = owner;
    }

    @Override
    public void execute(JobExecutionContext context) {
      var data = context.getMergedJobDataMap();
      java.util.Date scheduled = context.getScheduledFireTime() != null ? context.getScheduledFireTime() : context.getFireTime();
      owner.execute(data.getString("tenant"), data.getString("job"), scheduled.toInstant());
    }
  }
}
