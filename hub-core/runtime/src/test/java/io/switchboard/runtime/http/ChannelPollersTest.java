package io.switchboard.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelPollersTest {

  @Test
  void camelsMessagesLoseEverySecretOfTheTenantsChannel() {
    String camel = "Failed to resolve endpoint: sb-poll-acme-email://imap.acme.test?password=hunter2-imap&x=1 due to:"
        + " Unknown parameters=[{folderName=INBOX, password=hunter2-imap, username=support@acme.test}]";

    String logged = ChannelPollers.masked(camel, List.of("hunter2-imap", "support@acme.test"));

    assertThat(logged).doesNotContain("hunter2-imap").doesNotContain("support@acme.test").contains("folderName=INBOX");
  }
}
