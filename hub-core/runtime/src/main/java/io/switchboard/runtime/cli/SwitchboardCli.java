package io.switchboard.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/switchboard}: the hub's command line. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Switchboard: the integration hub for customer-engagement traffic.",
    subcommands = {RunCommand.class, ValidateCommand.class, ValidateCommand.Schema.class, SimulateCommand.class,
        EventsCommand.class, PluginsCommand.class,
        CommandLine.HelpCommand.class})
public final class SwitchboardCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (args.length == 0 || !"run".equals(args[0])) {
      // Commands other than 'run' print their own results; keep the hub's INFO lines out of them.
      org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
    }
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return new CommandLine(new SwitchboardCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
