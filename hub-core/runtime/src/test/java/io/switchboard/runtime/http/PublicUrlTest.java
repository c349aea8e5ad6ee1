package io.switchboard.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublicUrlTest {

  @Test
  void usesTheHostHeaderWhenNothingIsConfigured() {
    assertThat(new PublicUrl("").resolve(null, null, "localhost:8080", "/webhooks/demo/twilio/sms", null))
        .isEqualTo("http://localhost:8080/webhooks/demo/twilio/sms");
  }

  @Test
  void usesTheConfiguredPublicUrlWithTheQuery() {
    assertThat(new PublicUrl("https://hub.example.com/").resolve(null, null, "10.0.0.5:8080", "/webhooks/a/b/c", "x=1"))
        .isEqualTo("https://hub.example.com/webhooks/a/b/c?x=1");
  }

  @Test
  void forwardedHeadersFromAProxyWin() {
    assertThat(new PublicUrl("http://internal:8080").resolve("https", "hub.example.com", "internal:8080", "/p", null))
        .isEqualTo("https://hub.example.com/p");
    assertThat(new PublicUrl("http://hub.example.com").resolve("https", null, "internal:8080", "/p", null))
        .isEqualTo("https://hub.example.com/p");
    assertThat(new PublicUrl("").resolve("https, http", "a.example.com, b.example", "internal", "/p", null))
        .isEqualTo("https://a.example.com/p");
  }
}
