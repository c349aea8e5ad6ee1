package io.switchboard.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code switchboard simulate voice} and {@code stripe}: their options, refused before anything is loaded or sent. */
class SimulateCommandTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new SimulateCommand());
    cli.setErr(new PrintWriter(err));
    java.io.PrintStream previous = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      return cli.execute(args);
    } finally {
      System.setErr(previous);
      err.write(captured.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void voiceIsASubcommandWithItsOptions() {
    CommandLine voice = new CommandLine(new SimulateCommand()).getSubcommands().get("voice");
    assertThat(voice).isNotNull();
    assertThat(voice.getCommandSpec().optionsMap()).containsKeys("--tenant", "--from", "--to", "--press", "--say",
        "--voicemail");
  }

  @Test
  void refusesMoreThanOneCallerAction() {
    assertThat(run("voice", "--tenant", "demo", "--from", "+15551230001", "--press", "1", "--voicemail", "hi"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("at most one of --press, --say and --voicemail");
  }

  @Test
  void refusesKeysThatAreNotKeys() {
    assertThat(run("voice", "--tenant", "demo", "--from", "+15551230001", "--press", "one")).isEqualTo(2);
    assertThat(err.toString()).contains("--press takes keys 0-9, * and #");
  }

  @Test
  void needsTheTenantAndTheCaller() {
    assertThat(run("voice", "--from", "+15551230001")).isEqualTo(2);
    assertThat(err.toString()).contains("--tenant");
  }

  @Test
  void stripeIsASubcommandWithItsOptions() {
    CommandLine stripe = new CommandLine(new SimulateCommand()).getSubcommands().get("stripe");
    assertThat(stripe).isNotNull();
    assertThat(stripe.getCommandSpec().optionsMap()).containsKeys("--tenant", "--event", "--customer", "--email");
    assertThat(stripe.getCommandSpec().findOption("--event").defaultValue()).isEqualTo("invoice.payment_failed");
  }

  @Test
  void stripeRefusesACustomerThatIsNotACustomerId() {
    assertThat(run("stripe", "--tenant", "demo", "--customer", "dana@example.com")).isEqualTo(2);
    assertThat(err.toString()).contains("--customer takes a Stripe customer id such as cus_123");
  }

  @Test
  void stripeRefusesAnEventThatIsNotAnEventType() {
    assertThat(run("stripe", "--tenant", "demo", "--customer", "cus_123", "--event", "payment failed")).isEqualTo(2);
    assertThat(err.toString()).contains("--event takes a Stripe event type");
  }

  @Test
  void stripeNeedsTheTenant() {
    assertThat(run("stripe", "--customer", "cus_123")).isEqualTo(2);
    assertThat(err.toString()).contains("--tenant");
  }
}
