#include "app.h"

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "command_table.h"
#include "commands/commands.h"
#include "commands/common.h"
#include "exit_codes.h"
#include "exit_guard.h"
#include "host_error.h"
#include "logger.h"
#include "signals.h"

namespace etlhost {

namespace {

// Usage errors are printed plainly (no timestamp): they are for the person at the terminal.
int report_usage_error(const UsageError& error) {
  std::string text = std::string("etlhost: ") + error.what() + "\n";
  text += error.command().empty() ? "Run `etlhost --help` for usage.\n"
                                  : "Run `etlhost " + error.command() + " --help` for usage.\n";
  std::fputs(text.c_str(), stderr);
  return exit_code::kUsage;
}

int dispatch(const Command& command, Logger& logger, const KitCommands& kit) {
  // The kit runs every plugin call in a child of its own and reports an exit() there itself.
  if (command.kind == CommandKind::kTestPlugin) return kit.test_plugin(command, logger);
  const ExitGuard guard(logger);  // armed before any plugin is loaded
  const CommandSpec* spec = find_command(command.kind);
  if (spec == nullptr || spec->handler == nullptr) return exit_code::kInternal;  // help and --version never get here
  return spec->handler(command, logger);
}

}  // namespace

int main_entry(int argc, char** argv, const KitCommands& kit) {
  // First of all: a closed stdout must become EPIPE (handled), never a silent death.
  ignore_sigpipe();

  std::vector<std::string> args = etlhost_arguments(argc > 0 ? argv[0] : "etlhost",
                                                    std::vector<std::string>(argv + 1, argv + argc));
  // The conformance kit's hidden mode: a real `etlhost run` whose source may be the kit's
  // synthetic source. Not in any help text; only test-plugin starts it.
  if (!args.empty() && args[0] == kConformanceRunArgument) {
    args.erase(args.begin());
    if (args.empty() || args[0] != "run") {
      return report_usage_error(UsageError(std::string(kConformanceRunArgument) + " is followed by a run command"));
    }
    kit.enable_synthetic_source();
  }
  Command command;
  try {
    command = parse_command_line(args);
  } catch (const UsageError& error) {
    return report_usage_error(error);
  }

  if (command.kind == CommandKind::kHelp || command.kind == CommandKind::kVersion) {
    const std::string text = command.kind == CommandKind::kHelp ? help_text(command.help_topic, kit.checks_help())
                                                                : version_text();
    if (!write_stdout(text)) return errno == EPIPE ? exit_code::kDownstreamClosed : exit_code::kInternal;
    return exit_code::kOk;
  }

  Logger logger(command.log_level);
  logger.set_format(command.log_format);
  try {
    return dispatch(command, logger, kit);
  } catch (const UsageError& error) {
    return report_usage_error(error);
  } catch (const HostError& error) {
    logger.error(error.what());
    return error.exit_code();
  } catch (const std::exception& error) {
    logger.error(std::string("internal error: ") + error.what());
    return exit_code::kInternal;
  }
}

}  // namespace etlhost
