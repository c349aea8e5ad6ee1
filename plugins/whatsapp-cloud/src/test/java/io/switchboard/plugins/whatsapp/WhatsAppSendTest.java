package io.switchboard.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.testkit.TestPluginContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies through a local stub of the Graph API's messages endpoint, in Meta's wire format. */
class WhatsAppSendTest {

  static final String TOKEN = "EAAG-access-token-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();

  record Call(String method, String path, String authorization, String contentType, JsonNode body) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"16505551234\","
      + "\"wa_id\":\"16505551234\"}],\"messages\":[{\"id\":\"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA\"}]}";
  private HttpServer graph;
  private WhatsAppCloudConnector connector;
  private final ChannelSettings settings = new ChannelSettings("acme",
      Map.of("phoneNumberIds", List.of("106540352242922", "106540352242923")), Map.of("accessToken", TOKEN));

  @BeforeEach
  void startGraph() throws Exception {
    graph = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    graph.createContext("/", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
          JSON.readTree(in)));
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    graph.start();
    TestPluginContext context = new TestPluginContext("whatsapp-cloud")
        .config("graph-base-url", "http://127.0.0.1:" + graph.getAddress().getPort() + "/")
        .config("api-version", "v22.0");
    connector = new WhatsAppCloudConnector(context);
  }

  @AfterEach
  void stopGraph() {
    graph.stop(0);
  }

  private static OutboundMessage reply(String from, String text, List<String> media, Map<String, String> attributes) {
    return new OutboundMessage("whatsapp", "+16505551234", from, text, media, "reply-1", attributes);
  }

  @Test
  void aTextReplyIsPostedToThePhoneNumbersMessagesWithTheBearerToken() throws Exception {
    OutboundMessage.Sent sent = connector.send(reply(null, "Yes, in blue and green.", List.of(), Map.of()), settings);

    assertThat(sent.providerMessageId()).isEqualTo("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA");
    assertThat(sent.status()).isEqualTo("accepted");
    Call call = calls.get(0);
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/v22.0/106540352242922/messages");
    assertThat(call.authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(call.contentType()).startsWith("application/json");
    assertThat(call.body()).isEqualTo(JSON.readTree("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
        + "\"to\":\"16505551234\",\"type\":\"text\",\"text\":{\"body\":\"Yes, in blue and green.\"}}"));
  }

  @Test
  void mediaGoesAsImagesByLinkFromTheChosenNumber() throws Exception {
    connector.send(reply("106540352242923", "our colours", List.of("https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"),
        Map.of()), settings);

    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).path()).isEqualTo("/v22.0/106540352242923/messages");
    assertThat(calls.get(0).body().path("type").asText()).isEqualTo("image");
    assertThat(calls.get(0).body().path("image")).isEqualTo(
        JSON.readTree("{\"link\":\"https://cdn.example.com/a.jpg\",\"caption\":\"our colours\"}"));
    assertThat(calls.get(1).body().path("image")).isEqualTo(JSON.readTree("{\"link\":\"https://cdn.example.com/b.jpg\"}"));

    connector.send(reply("+15550783881", "hi", List.of(), Map.of("phoneNumberId", "555")), settings);
    assertThat(calls.get(2).path()).isEqualTo("/v22.0/555/messages");
    connector.send(reply("+15550783881", "hi", List.of(), Map.of()), settings);
    assertThat(calls.get(3).path()).as("a display number is not an id: the default number").isEqualTo("/v22.0/106540352242922/messages");
  }

  @Test
  void graphErrorsBecomeTheirStatusAndMessageWithoutTheToken() {
    status = 400;
    answer = "{\"error\":{\"message\":\"(#131030) Recipient phone number not in allowed list\",\"type\":\"OAuthException\","
        + "\"code\":131030,\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"Recipient phone number not in"
        + " allowed list: Add recipient phone number to recipient list and try again.\"},\"fbtrace_id\":\"AI5Ob4e_7nlOAOeF7DysMCs\"}}";

    WebhookException e = catchThrowableOfType(WebhookException.class,
        () -> connector.send(reply(null, "hi", List.of(), Map.of()), settings));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("graph_error_131030");
    assertThat(e.getMessage()).isEqualTo("the WhatsApp Cloud API refused the message (HTTP 400, OAuthException code 131030):"
        + " (#131030) Recipient phone number not in allowed list (fbtrace_id AI5Ob4e_7nlOAOeF7DysMCs)");

    status = 401;
    answer = "{\"error\":{\"message\":\"Invalid OAuth access token - Cannot parse access token " + TOKEN + "\","
        + "\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"Azq\"}}";
    WebhookException expired = catchThrowableOfType(WebhookException.class,
        () -> connector.send(reply(null, "hi", List.of(), Map.of()), settings));
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.getMessage()).doesNotContain(TOKEN).contains("***");

    status = 503;
    answer = "<html>Service Unavailable</html>";
    WebhookException down = catchThrowableOfType(WebhookException.class,
        () -> connector.send(reply(null, "hi", List.of(), Map.of()), settings));
    assertThat(down.status()).as("5xx: the hub retries").isEqualTo(503);
    assertThat(down.code()).isEqualTo("graph_error");
  }

  @Test
  void anUnreachableGraphOrAnEmptyReplyIsRefusedBeforeOrWithoutCallingIt() {
    graph.stop(0);
    WebhookException e = catchThrowableOfType(WebhookException.class,
        () -> connector.send(reply(null, "hi", List.of(), Map.of()), settings));
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("graph_unreachable");

    assertThat(catchThrowableOfType(WebhookException.class,
        () -> connector.send(reply(null, " ", List.of(), Map.of()), settings)).code()).isEqualTo("empty_message");
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> connector.send(reply(null, "hi", List.of(), Map.of()),
        new ChannelSettings("acme", Map.of("phoneNumberIds", List.of("1")), Map.of())))).hasMessageContaining("accessToken");
  }
}
