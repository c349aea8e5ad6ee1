package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.util.Json;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data lives under the data directory: a restarted hub still has it and carries on. */
class RestartIT {

  @TempDir
  Path dir;

  @Test
  void interactionsSurviveARestartAndThePipelineResumesWithoutDuplicates() throws Exception {
    HubFixture fixture = HubFixture.prepare(dir);
    String before = HubIT.newSid();
    try (HubFixture hub = fixture.start()) {
      HubIT.hub = hub;
      assertThat(hub.postTwilio("/webhooks/demo/twilio/sms", HubIT.sms(before, "+15551239001", "before the restart"),
          HubFixture.DEMO_TOKEN).statusCode()).isEqualTo(200);
      HubIT.awaitInteraction(HubFixture.DEMO_KEY, "demo", before);
    }

    String after = HubIT.newSid();
    try (HubFixture hub = fixture.start()) {
      HubIT.hub = hub;
      JsonNode kept = Json.MAPPER.readTree(hub.get("/api/v1/tenants/demo/interactions", HubFixture.DEMO_KEY).body());
      assertThat(kept.path("items").findValuesAsText("providerMessageId")).contains(before);

      // the dedupe marks survived too: the provider retrying the old message changes nothing
      assertThat(hub.postTwilio("/webhooks/demo/twilio/sms", HubIT.sms(before, "+15551239001", "before the restart"),
          HubFixture.DEMO_TOKEN).statusCode()).isEqualTo(200);
      assertThat(hub.postTwilio("/webhooks/demo/twilio/sms", HubIT.sms(after, "+15551239001", "after the restart"),
          HubFixture.DEMO_TOKEN).statusCode()).isEqualTo(200);
      JsonNode stored = HubIT.awaitInteraction(HubFixture.DEMO_KEY, "demo", after);
      Thread.sleep(Duration.ofMillis(500).toMillis());
      assertThat(hub.count("select count(*) from interactions where tenant_id = 'demo'")).isEqualTo(2);
      assertThat(hub.count("select count(*) from events where tenant_id = 'demo' and type = 'interaction.received'")).isEqualTo(2);
      // same sender within 24 h: the same contact and conversation across the restart
      JsonNode first = Json.MAPPER.readTree(hub.get("/api/v1/tenants/demo/contacts/" + stored.path("contactId").asText(),
          HubFixture.DEMO_KEY).body());
      assertThat(first.path("recentInteractions").size()).isEqualTo(2);
    } finally {
      HubIT.hub = null;
    }
  }
}
