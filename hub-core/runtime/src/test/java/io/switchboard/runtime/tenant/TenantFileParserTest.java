package io.switchboard.runtime.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of error a tenant file can have, with its place and its message. */
class TenantFileParserTest {

  private static final Path FILE = Path.of("config/tenants/acme.yaml");

  private static List<String> problems(String yaml) {
    return TenantFileParser.parse(FILE, yaml.getBytes(StandardCharsets.UTF_8)).problems().stream()
        .map(ConfigProblem::toString).toList();
  }

  @Test
  void aValidFileHasNoProblemsAndADigest() {
    var p = TenantFileParser.parse(FILE, """
        id: acme
        plan: enterprise
        limits: {inboundPerSecond: 20, maxBodyBytes: 32768}
        workflow:
          steps:
            - step: tag
              when: "interaction.channel == 'sms'"
              config: {tags: [a]}
            - id: triage
              choice:
                when:
                  - condition: "true"
                    steps: [{stop: {reason: done}}]
                otherwise: []
          channels:
            whatsapp:
              steps: []
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(p.problems()).isEmpty();
    assertThat(p.model().plan()).isEqualTo(TenantFile.Plan.enterprise);
    assertThat(p.model().workflow().steps().get(1).kind()).isEqualTo(TenantFile.Node.Kind.CHOICE);
    assertThat(p.digest()).hasSize(64);
  }

  @Test
  void yamlSyntaxErrorsNameTheLine() {
    assertThat(problems("id: acme\nname: [unclosed\n")).singleElement().asString()
        .startsWith("config/tenants/acme.yaml:2:16: not valid YAML: while parsing a flow sequence");
  }

  @Test
  void duplicateKeysNameBothTheKeyAndItsPlace() {
    assertThat(problems("id: acme\nname: One\nname: Two\n")).containsExactly(
        "config/tenants/acme.yaml:3:5: name: 'name' is given twice; each key may appear once");
  }

  @Test
  void everyUnknownFieldIsReportedWithTheFieldsAllowedThere() {
    assertThat(problems("""
        id: acme
        nmae: Typo
        workflow:
          stpes: []
        """)).containsExactly(
        "config/tenants/acme.yaml:2:1: nmae: unknown field 'nmae'; expected one of: apiKeys, channels, id, limits, name, "
            + "plan, plugins, routes, schedules, secrets, workflow",
        "config/tenants/acme.yaml:4:3: workflow.stpes: unknown field 'stpes'; expected one of: channels, steps");
  }

  @Test
  void theWrongKindOfValueSaysWhatIsExpected() {
    assertThat(problems("id: acme\nplugins: twilio\n")).containsExactly(
        "config/tenants/acme.yaml:2:10: plugins: must be a list, got 'twilio'");
  }

  @Test
  void yesNoOnOffAreNotTakenForStrings() {
    assertThat(problems("id: acme\nplugins: [off]\n")).singleElement().asString()
        .contains("plugins[0]: must be a string, got false (YAML reads yes, no, on and off as true and false");
  }

  @Test
  void anUnknownEnumValueListsTheAllowedOnes() {
    assertThat(problems("id: acme\nplan: gold\n")).containsExactly(
        "config/tenants/acme.yaml:2:7: plan: is 'gold'; expected one of free, standard, enterprise");
  }

  @Test
  void constraintsOnTheModelAreCheckedWithTheirPaths() {
    assertThat(problems("""
        id: acme
        limits:
          inboundPerSecond: 0
        workflow:
          steps:
            - step: Not_A_Step
            - step: tag
              choice: {when: [{condition: "true", steps: []}]}
            - {}
            - choice: {when: []}
              when: "true"
        """)).containsExactly(
        "config/tenants/acme.yaml:3:21: limits.inboundPerSecond: must be at least 1",
        "config/tenants/acme.yaml:6:13: workflow.steps[0].step: must be a step name such as ai.sentiment (lower-case words separated by dots)",
        "config/tenants/acme.yaml:7:7: workflow.steps[1]: must have exactly one of 'step', 'choice' or 'stop'",
        "config/tenants/acme.yaml:9:7: workflow.steps[2]: must have exactly one of 'step', 'choice' or 'stop'",
        "config/tenants/acme.yaml:10:7: workflow.steps[3]: a choice has no 'when' of its own: put each condition on one of its branches",
        "config/tenants/acme.yaml:10:22: workflow.steps[3].choice.when: must list at least one branch (condition and steps)");
  }

  @Test
  void aMissingRequiredFieldIsNamed() {
    assertThat(problems("""
        id: acme
        workflow:
          steps:
            - choice:
                when:
                  - steps: []
        """)).singleElement().asString().contains("workflow.steps[0].choice.when[0].condition: is required");
  }

  @Test
  void theIdMustMatchTheFileName() {
    assertThat(problems("id: other\n")).containsExactly(
        "config/tenants/acme.yaml:1:5: id: is 'other' but must equal the file name 'acme'");
    assertThat(problems("name: x\n")).containsExactly("config/tenants/acme.yaml:1:1: id: is required");
  }

  @Test
  void anEmptyFileOrAListIsRefused() {
    assertThat(problems("")).containsExactly("config/tenants/acme.yaml: the file is empty; it must declare at least 'id: acme'");
    assertThat(problems("- a\n")).singleElement().asString().contains("must be a map of fields");
  }

  @Test
  void schedulesAreCheckedWithQuartzCronSyntax() {
    assertThat(problems("""
        id: acme
        schedules:
          health: {cron: "0 0 3 * * ?"}
          staleLeads: {cron: "every day", days: 0}
        """)).containsExactlyInAnyOrder(
        "config/tenants/acme.yaml:4:22: schedules.staleLeads.cron: 'every day' is not a cron expression (Illegal characters for"
            + " this position: 'EVE'); must be a Quartz cron expression (seconds minutes hours day-of-month month day-of-week),"
            + " e.g. '0 0 3 * * ?'",
        "config/tenants/acme.yaml:4:41: schedules.staleLeads.days: must be at least 1");
    assertThat(problems("id: acme\nschedules:\n  surveys: {idleHours: 2}\n")).containsExactly(
        "config/tenants/acme.yaml:3:12: schedules.surveys.cron: is required");
  }
}
