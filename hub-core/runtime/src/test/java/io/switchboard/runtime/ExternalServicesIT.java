package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.spine.EmbeddedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With switchboard.db.url and switchboard.kafka.bootstrap-servers set, the hub uses those servers
 * and starts no embedded ones. (The "external" servers here are started by the test itself.)
 */
class ExternalServicesIT {

  @TempDir
  Path dir;

  @Test
  void usesTheConfiguredPostgresAndKafka() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("external-pg")).start();
        EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("external-kafka"), 0)) {
      kafka.start();
      HubFixture fixture = HubFixture.prepare(dir.resolve("home"));
      fixture.overrides.put(SwitchboardConfig.DB_URL, pg.getJdbcUrl("postgres", "postgres"));
      fixture.overrides.put(SwitchboardConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
      String sid = HubIT.newSid();
      try (HubFixture hub = fixture.start()) {
        HubIT.hub = hub;
        assertThat(hub.hub.kafkaBootstrapServers()).isEqualTo(kafka.bootstrapServers());
        assertThat(hub.postTwilio("/webhooks/demo/twilio/sms", HubIT.sms(sid, "+15551238001", "external"),
            HubFixture.DEMO_TOKEN).statusCode()).isEqualTo(200);
        HubIT.awaitInteraction(HubFixture.DEMO_KEY, "demo", sid);
      } finally {
        HubIT.hub = null;
      }
      // the data is in the external database, and nothing embedded was started under the data dir
      try (var c = pg.getPostgresDatabase().getConnection();
          var rs = c.createStatement().executeQuery("select count(*) from interactions where provider_message_id = '" + sid + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      assertThat(Files.exists(fixture.home.resolve("data/postgres"))).isFalse();
      assertThat(Files.exists(fixture.home.resolve("data/kafka"))).isFalse();
    }
  }
}
