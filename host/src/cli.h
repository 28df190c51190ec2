// The command line: parsing argv into a Command, and the help texts, both from the tables in
// command_table.h and exit_codes.h. Parsing does no plugin or file work; it only checks the
// shape of the command line (exit 2 on errors).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logger.h"

namespace etlhost {

enum class CommandKind { kHelp, kVersion, kRun, kTap, kCheck, kDiscover, kPlugins, kDescribe, kTestPlugin, kHistory };

/// What `etlhost tap --about` prints.
enum class AboutFormat { kMarkdown, kJson };

/// --progress: how a run shows its progress. kAuto: a live line when stderr is a
/// terminal, plain log lines at --progress-interval otherwise.
enum class ProgressMode { kAuto, kTty, kPlain, kJson, kOff };

/// One --set PLUGIN.KEY=VALUE as written; routed to the source or sink later, once their
/// names are known.
struct SetArgument {
  std::string target;  // "fullstory", "source", "sink"; "" for test-plugin's KEY=VALUE
  std::string key;
  std::string value;
  std::string spelled;  // "fullstory.api_key", for messages (never includes the value)
};

struct Command {
  CommandKind kind = CommandKind::kHelp;
  std::string help_topic;  // kHelp: a command name, or "" for the main help
  std::string source;      // run, tap, check, discover
  std::string sink;        // run
  std::string plugin;      // describe, test-plugin
  /// Each --config in order: merged, a later file's key wins (the Meltano SDK convention).
  std::vector<std::string> config_files;
  std::optional<std::string> sink_config_file;
  std::optional<std::string> state_file;
  std::optional<std::string> catalog_file;  // --catalog or its older name --properties
  /// The state file is read, never written nor locked (tap mode: the orchestrator owns the
  /// state). Set by the command, not by an option.
  bool state_input_only = false;
  std::vector<SetArgument> sets;
  std::vector<std::string> plugin_path;  // each --plugin-path value (colon-separated dirs)
  double checkpoint_interval_s = 1.0;
  double progress_interval_s = 10.0;
  LogLevel log_level = LogLevel::kInfo;  // --log-level, -v (debug), -q (warn)
  LogFormat log_format = LogFormat::kText;
  bool json = false;
  // run: what the user sees and keeps
  ProgressMode progress = ProgressMode::kAuto;
  std::optional<std::string> progress_file;  // --progress-file: where json progress goes (default stderr)
  std::optional<std::string> report_file;    // --report: the run's record is written here too
  // run: what the run does
  bool full_refresh = false;  // start from the source's beginning, the sink's output replaced
  bool dry_run = false;       // print what would be fetched; fetch nothing, move no state
  // tap: the singer-python / Meltano SDK modes instead of a sync
  bool discover = false;
  bool about = false;
  std::optional<AboutFormat> about_format;  // --format; unset: markdown
  bool version = false;
  // test-plugin
  std::optional<std::string> output;  // where the sink writes: a file, a directory or "-"
  bool quick = false;
  bool keep_going = false;
  std::optional<uint64_t> seed;
  double timeout_s = 60.0;  // the longest one plugin call may take
  // history
  std::optional<uint64_t> last;  // --last N: only the newest N runs
};

/// The prefix of an entry point named after a source: etlhost run as `tap-fullstory` (a
/// symbolic link) is `etlhost tap fullstory`.
inline constexpr std::string_view kTapProgramPrefix = "tap-";

/// The etlhost arguments for a process started as `program` (argv[0]) with `args`: `args`
/// itself, or for tap-NAME, `tap NAME` followed by `args`.
std::vector<std::string> etlhost_arguments(const std::string& program, std::vector<std::string> args);

/// Parses the arguments after argv[0]. Throws UsageError (exit 2) naming the option,
/// what was expected and what was found.
Command parse_command_line(const std::vector<std::string>& args);

/// The help text of the command named `topic` (command_table.h), or the main help for "".
/// Throws UsageError for an unknown topic. `test_plugin_checks` is the check list of the
/// test-plugin help; it comes from the conformance kit's check table, which the core cannot
/// see (app.h, KitCommands::checks_help).
std::string help_text(const std::string& topic, const std::string& test_plugin_checks = "");

/// "etlhost 0.1.0 (plugin ABI 1.0)".
std::string version_text();

/// The file stdout was redirected to when it is a regular file (readlink /proc/self/fd/1),
/// else "". Used to explain an unquoted '->'.
std::string redirected_stdout_file();

}  // namespace etlhost
