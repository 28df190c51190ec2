// etlhost's commands and options as data: the one table that parsing (cli.cpp), the help
// texts (cli.cpp) and dispatch (app.cpp) all read. A new command or option is a new row.
#pragma once

#include <string_view>
#include <vector>

#include "cli.h"
#include "logger.h"

namespace etlhost {

enum OptionId {
  kOptConfig,
  kOptSinkConfig,
  kOptSet,
  kOptState,
  kOptCatalog,
  kOptPluginPath,
  kOptCheckpointInterval,
  kOptProgressInterval,
  kOptLogLevel,
  kOptJson,
  kOptHelp,
  kOptOutput,
  kOptQuick,
  kOptKeepGoing,
  kOptSeed,
  kOptTimeout,
  kOptProperties,
  kOptDiscover,
  kOptAbout,
  kOptFormat,
  kOptVersion,
  kOptTarget,
  kOptProgress,
  kOptProgressFile,
  kOptReport,
  kOptFullRefresh,
  kOptDryRun,
  kOptVerbose,
  kOptQuiet,
  kOptLogFormat,
  kOptLast,
};

struct OptionSpec {
  const char* name;
  OptionId id;
  const char* value_name;    // in messages ("expects FILE"); nullptr: a flag without a value
  const char* short_name;    // "-h", or nullptr; one per option, valid wherever the option is
  const char* default_help;  // what a command's help says unless the command says more
};

/// Every option, in the order "did you mean" considers them.
const std::vector<OptionSpec>& option_specs();

/// One option as a command accepts it and its help lists it.
struct CommandOption {
  OptionId id;
  const char* shown_value;  // the value in the help ("SECS"); nullptr: the option's value_name
  const char* help;         // nullptr: the option's default_help; '\n' continues it on a new line
};

using CommandHandler = int (*)(const Command& command, Logger& logger);

struct CommandSpec {
  CommandKind kind;
  const char* name;
  const char* synopsis;  // the main help's usage line, after "etlhost "
  const char* summary;   // what the main help says it does
  /// The help text. {options} becomes the option rows, {exit_codes} the summary of
  /// `exit_codes`, {topics} the names of the other commands, {checks} the conformance
  /// kit's check list (test-plugin).
  const char* help;
  std::vector<CommandOption> options;  // in the order the help lists them
  size_t options_column;               // where the options' help starts
  std::vector<int> exit_codes;         // for {exit_codes}
  CommandHandler handler;              // nullptr: app.cpp answers it (help, or the kit's test-plugin)
};

/// Every command, in the order the main help lists them.
const std::vector<CommandSpec>& command_specs();
/// The command named `name`, or nullptr.
const CommandSpec* find_command(std::string_view name);
/// The command of `kind`, or nullptr for kVersion (an option, not a command).
const CommandSpec* find_command(CommandKind kind);

/// The main help. {commands} becomes the usage lines, {exit_codes} the exit-code table.
extern const char* const kMainHelpTemplate;

}  // namespace etlhost
