#include "cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "etlhost/plugin.h"
#include "host_error.h"
#include "text_util.h"
#include "version.h"

namespace etlhost {

namespace {

// ------------------------------------------------------------------------------------------
// Help texts
// ------------------------------------------------------------------------------------------

constexpr const char* kMainHelp = R"(etlhost: moves data from a source plugin to a sink plugin, committing state only
after the sink made the data durable, so no record is lost or duplicated.

Usage:
  etlhost run SOURCE '->' SINK [options]   move data (also: SOURCE to SINK, SOURCE:SINK)
  etlhost discover SOURCE [options]        print the source's Singer catalog
  etlhost plugins [--json]                 list installed plugins
  etlhost describe PLUGIN [--json]         show a plugin and its config keys
  etlhost test-plugin PLUGIN [options]     run the conformance kit against a plugin
  etlhost help [COMMAND]                   show help (also COMMAND --help)
  etlhost --version                        print the version

Examples:
  etlhost run fullstory '->' csv --config fullstory.json --state fullstory.state
  etlhost run fullstory to singer --config fullstory.json | target-postgres
  etlhost run demo:csv --set demo.records=100 --set csv.output_dir=out

Quote the arrow: an unquoted -> is a shell redirection.

SOURCE, SINK and PLUGIN are plugin names (etl-NAME.so, searched in --plugin-path,
then ETLHOST_PLUGIN_PATH, then <etlhost dir>/../lib/etlhost/plugins) or paths to a
.so file (anything containing '/' or ending in .so).

Exit codes:
  0    ok
  1    internal error (a bug in etlhost)
  2    usage: wrong command line
  3    config: unreadable, unknown key, wrong type, missing required key, secret on
       the command line, or the plugin refused it
  4    plugin load: not found, not a plugin, wrong ABI, wrong kind
  5    the source failed
  6    the sink failed
  7    state file: unreadable, invalid, locked by another run, or a commit failed
  8    test-plugin: conformance checks failed
  130  stopped by SIGINT (state committed up to the last durable STATE)
  141  the downstream consumer closed the pipe (no error message)
  143  stopped by SIGTERM (state committed up to the last durable STATE)
)";

constexpr const char* kRunHelp = R"(Usage: etlhost run SOURCE '->' SINK [options]
       etlhost run SOURCE to SINK [options]
       etlhost run SOURCE:SINK [options]

Moves data from SOURCE to SINK. With --state, the state file records how far the
run got, committed only after the sink made everything before it durable; the next
run resumes from there.

Options:
  --config FILE               the source's config, a JSON object (Singer convention)
  --sink-config FILE          the sink's config, a JSON object
  --set PLUGIN.KEY=VALUE      set one config key (repeatable); PLUGIN is the source's or
                              the sink's name, or `source` / `sink`. Highest priority:
                              --set > config file > the key's env variable > default.
                              Secret keys are refused here (ps shows argv to everyone).
  --state FILE                read and commit state in FILE (locked during the run)
  --catalog FILE              a Singer catalog selecting streams (default: all streams)
  --checkpoint-interval SECS  seconds between state commits (default 1; 0 = every STATE)
  --progress-interval SECS    seconds between progress lines on stderr (default 10; 0 = off)
  --plugin-path DIRS          colon-separated directories searched first for plugins
  --log-level LEVEL           error, warn, info (default) or debug
  -h, --help                  show this help

Quote the arrow: unquoted, `etlhost run a -> b` makes the shell write stdout to a file
named b. stdout belongs to the sink (singer writes its messages there); etlhost logs to
stderr only.

Exit codes: 0 ok, 2 usage, 3 config, 4 plugin load, 5 source failed, 6 sink failed,
7 state file, 130 SIGINT, 141 downstream closed, 143 SIGTERM (see `etlhost help`).
)";

constexpr const char* kDiscoverHelp = R"(Usage: etlhost discover SOURCE [options]

Prints the source's Singer catalog ({"streams": [...]}) on stdout. Edit it (set
"selected": false in a stream's metadata) and pass it to `etlhost run --catalog FILE`.

Options:
  --config FILE               the source's config, a JSON object
  --set SOURCE.KEY=VALUE      set one config key (repeatable; not for secret keys)
  --plugin-path DIRS          colon-separated directories searched first for plugins
  --log-level LEVEL           error, warn, info (default) or debug
  -h, --help                  show this help
)";

constexpr const char* kPluginsHelp = R"(Usage: etlhost plugins [options]

Lists every etl-*.so in the plugin search path: name, kind, version, plugin ABI and
path. A plugin found again later in the path is marked as shadowed (the first one
wins); files that fail to load are listed with the reason.

Search path, in order: each dir of --plugin-path, each dir of ETLHOST_PLUGIN_PATH,
then <etlhost dir>/../lib/etlhost/plugins. The current directory is never searched.

Options:
  --json                      machine-readable output
  --plugin-path DIRS          colon-separated directories searched first
  --log-level LEVEL           error, warn, info (default) or debug
  -h, --help                  show this help
)";

constexpr const char* kDescribeHelp = R"(Usage: etlhost describe PLUGIN [options]

Shows a plugin's name, kind, version, ABI, path and description, and its config keys:
type, whether required, default, whether secret, environment variable, help.

Options:
  --json                      machine-readable output
  --plugin-path DIRS          colon-separated directories searched first
  --log-level LEVEL           error, warn, info (default) or debug
  -h, --help                  show this help
)";

// Before the check list.
constexpr const char* kTestPluginHelpHead = R"(Usage: etlhost test-plugin PLUGIN [options]

The conformance kit: runs every check that applies to PLUGIN (a name or a path to its .so)
and prints one line per check, PASS, FAIL or SKIP, then what was expected, what happened
and how to fix each failure, then "N passed, N failed, N skipped". Each check that calls
plugin code runs in a child process under a time limit, so a crash, an exit() or a hang in
the plugin becomes a FAIL naming the callback, never a dead kit.

)";

// After the check list, which the conformance kit provides (help_text()).
constexpr const char* kTestPluginHelpTail = R"(
Options:
  --config FILE        the plugin's config, a JSON object (default: its defaults and env)
  --set KEY=VALUE      set one config key (repeatable; not for secret keys)
  --output PATH        where the sink writes, as its config says: a directory, a file, or -
                       for stdout. Needed by sink.crash_injection and the failed-write part
                       of sink.error_paths. It must be new or empty: the kit deletes what
                       the sink writes there before each check
  --quick              fewer crash-injection runs (1 trial of 4 kills), no sync.resume
  --keep-going         run every check after a failure (default: the checks after the
                       first failure are skipped)
  --seed N             seed of the crash-injection kill points (default: random; the report
                       prints it, so a failure can be replayed)
  --timeout SECONDS    the longest one plugin call may take (default 60)
  --json               print the report as JSON
  --plugin-path DIRS   colon-separated directories searched first for plugins
  --log-level LEVEL    error, warn, info (default) or debug: the kit's progress on stderr
  -h, --help           show this help

Exit codes: 0 no check failed, 2 usage, 3 config (unreadable, invalid for the plugin's
spec), 4 plugin not found, 8 conformance checks failed.

In CI: etlhost test-plugin ./build/etl-mysink.so --config ci.json --output /tmp/out
)";

constexpr const char* kHelpHelp = R"(Usage: etlhost help [COMMAND]

Shows the main help, or the help of COMMAND (run, discover, plugins, describe, test-plugin).
)";

const std::vector<std::string> kCommandNames{"run", "discover", "plugins", "describe", "test-plugin", "help"};

// ------------------------------------------------------------------------------------------
// Options
// ------------------------------------------------------------------------------------------

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
};

struct OptionSpec {
  const char* name;
  OptionId id;
  const char* value_name;  // nullptr: a flag without a value
  std::vector<CommandKind> commands;
};

const std::vector<OptionSpec>& option_specs() {
  using K = CommandKind;
  static const std::vector<OptionSpec> specs{
      {"--config", kOptConfig, "FILE", {K::kRun, K::kDiscover, K::kTestPlugin}},
      {"--sink-config", kOptSinkConfig, "FILE", {K::kRun}},
      {"--set", kOptSet, "PLUGIN.KEY=VALUE", {K::kRun, K::kDiscover, K::kTestPlugin}},
      {"--state", kOptState, "FILE", {K::kRun}},
      {"--catalog", kOptCatalog, "FILE", {K::kRun}},
      {"--plugin-path", kOptPluginPath, "DIRS", {K::kRun, K::kDiscover, K::kPlugins, K::kDescribe, K::kTestPlugin}},
      {"--checkpoint-interval", kOptCheckpointInterval, "SECONDS", {K::kRun}},
      {"--progress-interval", kOptProgressInterval, "SECONDS", {K::kRun}},
      {"--log-level", kOptLogLevel, "LEVEL", {K::kRun, K::kDiscover, K::kPlugins, K::kDescribe, K::kTestPlugin}},
      {"--json", kOptJson, nullptr, {K::kPlugins, K::kDescribe, K::kTestPlugin}},
      {"--output", kOptOutput, "PATH", {K::kTestPlugin}},
      {"--quick", kOptQuick, nullptr, {K::kTestPlugin}},
      {"--keep-going", kOptKeepGoing, nullptr, {K::kTestPlugin}},
      {"--seed", kOptSeed, "N", {K::kTestPlugin}},
      {"--timeout", kOptTimeout, "SECONDS", {K::kTestPlugin}},
      {"--help", kOptHelp, nullptr, {K::kRun, K::kDiscover, K::kPlugins, K::kDescribe, K::kTestPlugin, K::kHelp}},
  };
  return specs;
}

const char* command_name(CommandKind kind) {
  switch (kind) {
    case CommandKind::kRun: return "run";
    case CommandKind::kDiscover: return "discover";
    case CommandKind::kPlugins: return "plugins";
    case CommandKind::kDescribe: return "describe";
    case CommandKind::kTestPlugin: return "test-plugin";
    case CommandKind::kHelp: return "help";
    case CommandKind::kVersion: return "--version";
  }
  return "?";
}

bool applies_to(const OptionSpec& spec, CommandKind kind) {
  for (CommandKind k : spec.commands) {
    if (k == kind) return true;
  }
  return false;
}

uint64_t parse_seed(const std::string& option, const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) {
    throw UsageError(option + " expects a whole number, 0 or more, found '" + text + "'", "test-plugin");
  }
  return value;
}

double parse_seconds(const std::string& option, const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    throw UsageError(option + " expects a number of seconds, 0 or more (e.g. 1 or 0.5), found '" + text + "'");
  }
  return value;
}

// `plugin_optional`: test-plugin also takes KEY=VALUE (there is only one plugin).
SetArgument parse_set(const std::string& text, bool plugin_optional) {
  const std::string expected =
      plugin_optional
          ? "--set expects KEY=VALUE (e.g. --set records=100), found '" + abbreviate(text, 80) + "'"
          : "--set expects PLUGIN.KEY=VALUE (e.g. --set demo.records=100), found '" + abbreviate(text, 80) + "'";
  const size_t equals = text.find('=');
  if (equals == std::string::npos) throw UsageError(expected + ": there is no '='");
  const std::string target_key = text.substr(0, equals);
  const size_t dot = target_key.find('.');
  if (plugin_optional && dot == std::string::npos) {
    if (target_key.empty()) throw UsageError(expected + ": the part before '=' must be KEY");
    return SetArgument{"", target_key, text.substr(equals + 1), target_key};
  }
  if (dot == std::string::npos || dot == 0 || dot + 1 == target_key.size()) {
    throw UsageError(expected + ": the part before '=' must be PLUGIN.KEY");
  }
  return SetArgument{target_key.substr(0, dot), target_key.substr(dot + 1), text.substr(equals + 1), target_key};
}

// The explanation for a lone '-' (or a trailing '-') among run's arguments.
[[noreturn]] void throw_redirect_hint(const std::string& source) {
  const std::string stdout_file = redirected_stdout_file();
  std::string sink = "SINK";
  if (!stdout_file.empty()) sink = std::filesystem::path(stdout_file).filename().string();
  const std::string src = source.empty() ? "SOURCE" : source;
  std::string message =
      "found a lone '-' where the arrow belongs: your shell read an unquoted '->' as a redirection, so it ran "
      "`etlhost run " + src + " -` with stdout sent to a file.\n"
      "Quote the arrow or use another form:\n"
      "  etlhost run " + src + " '->' " + sink + "\n"
      "  etlhost run " + src + " to " + sink + "\n"
      "  etlhost run " + src + ":" + sink;
  if (!stdout_file.empty()) {
    message += "\nThe shell created the file " + stdout_file + " for stdout; delete it: rm '" + stdout_file + "'";
  }
  throw UsageError(message, "run");
}

void assign_run_positionals(Command& command, const std::vector<std::string>& positionals) {
  for (const std::string& arg : positionals) {
    if (arg == "-") throw_redirect_hint(positionals.front() == "-" ? std::string() : positionals.front());
  }
  const auto expected = [&]() {
    return "etlhost run expects SOURCE '->' SINK (or SOURCE to SINK, or SOURCE:SINK), found " +
           (positionals.empty() ? std::string("nothing") : "'" + join(positionals, " ") + "'");
  };
  if (positionals.size() == 3 && (positionals[1] == "->" || positionals[1] == "to")) {
    command.source = positionals[0];
    command.sink = positionals[2];
  } else if (positionals.size() == 1 && positionals[0].find(':') != std::string::npos) {
    const std::string& both = positionals[0];
    const size_t colon = both.find(':');
    command.source = both.substr(0, colon);
    command.sink = both.substr(colon + 1);
    if (command.source.empty() || command.sink.empty()) throw UsageError(expected(), "run");
  } else if (positionals.size() == 1 && positionals[0].size() > 1 && positionals[0].back() == '-') {
    // `etlhost run demo->csv` unquoted: the shell passes "demo-" and redirects to "csv".
    throw_redirect_hint(positionals[0].substr(0, positionals[0].size() - 1));
  } else {
    throw UsageError(expected(), "run");
  }
  if (command.source.empty() || command.sink.empty()) throw UsageError(expected(), "run");
}

void assign_positionals(Command& command, const std::vector<std::string>& positionals) {
  const auto exactly_one = [&](const char* what) -> std::string {
    if (positionals.size() != 1) {
      throw UsageError(std::string("etlhost ") + command_name(command.kind) + " expects one " + what + ", found " +
                           (positionals.empty() ? std::string("none") : "'" + join(positionals, " ") + "'"),
                       command_name(command.kind));
    }
    return positionals[0];
  };
  switch (command.kind) {
    case CommandKind::kRun: assign_run_positionals(command, positionals); break;
    case CommandKind::kDiscover: command.source = exactly_one("SOURCE"); break;
    case CommandKind::kDescribe: command.plugin = exactly_one("PLUGIN"); break;
    case CommandKind::kTestPlugin: command.plugin = exactly_one("PLUGIN"); break;
    case CommandKind::kPlugins:
      if (!positionals.empty()) {
        throw UsageError("etlhost plugins takes no arguments, found '" + join(positionals, " ") + "'", "plugins");
      }
      break;
    case CommandKind::kHelp:
      if (positionals.size() > 1) throw UsageError("etlhost help takes at most one COMMAND", "help");
      if (!positionals.empty()) {
        help_text(positionals[0]);  // throws for an unknown topic
        command.help_topic = positionals[0];
      }
      break;
    case CommandKind::kVersion: break;
  }
}

}  // namespace

std::string redirected_stdout_file() {
  struct stat info {};
  if (::fstat(STDOUT_FILENO, &info) != 0 || !S_ISREG(info.st_mode)) return {};
  std::error_code error;
  const auto target = std::filesystem::read_symlink("/proc/self/fd/1", error);
  return error ? std::string() : target.string();
}

std::string version_text() {
  return std::string("etlhost ") + ETLHOST_VERSION + " (plugin ABI " + std::to_string(ETL_ABI_MAJOR) + "." +
         std::to_string(ETL_ABI_MINOR) + ")\n";
}

std::string help_text(const std::string& topic, const std::string& test_plugin_checks) {
  if (topic.empty()) return kMainHelp;
  if (topic == "run") return kRunHelp;
  if (topic == "discover") return kDiscoverHelp;
  if (topic == "plugins") return kPluginsHelp;
  if (topic == "describe") return kDescribeHelp;
  if (topic == "test-plugin") return kTestPluginHelpHead + test_plugin_checks + kTestPluginHelpTail;
  if (topic == "help") return kHelpHelp;
  throw UsageError("no help for unknown command '" + topic + "'" + did_you_mean_suffix(topic, kCommandNames));
}

Command parse_command_line(const std::vector<std::string>& args) {
  Command command;
  if (args.empty()) throw UsageError("missing command (run, discover, plugins, describe, test-plugin, help)");

  const std::string& first = args[0];
  if (first == "--version" || first == "-V") {
    if (args.size() > 1) throw UsageError("--version takes no arguments");
    command.kind = CommandKind::kVersion;
    return command;
  }
  if (first == "--help" || first == "-h") {
    command.kind = CommandKind::kHelp;
    return command;
  }
  if (first == "run") command.kind = CommandKind::kRun;
  else if (first == "discover") command.kind = CommandKind::kDiscover;
  else if (first == "plugins") command.kind = CommandKind::kPlugins;
  else if (first == "describe") command.kind = CommandKind::kDescribe;
  else if (first == "test-plugin") command.kind = CommandKind::kTestPlugin;
  else if (first == "help") command.kind = CommandKind::kHelp;
  else if (first.starts_with("-")) throw UsageError("unknown option '" + first + "'; options go after the command");
  else throw UsageError("unknown command '" + first + "'" + did_you_mean_suffix(first, kCommandNames));

  const std::string name = command_name(command.kind);
  std::vector<std::string> positionals;
  bool options_done = false;
  bool wants_help = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg == "-" || !arg.starts_with("-")) {
      positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h") {
      wants_help = true;
      continue;
    }
    if (arg == "->") {  // the quoted arrow
      positionals.push_back(arg);
      continue;
    }
    const size_t equals = arg.find('=');
    const std::string option = arg.substr(0, equals);
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& candidate : option_specs()) {
      if (option == candidate.name) spec = &candidate;
    }
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const OptionSpec& candidate : option_specs()) {
        if (applies_to(candidate, command.kind)) names.emplace_back(candidate.name);
      }
      throw UsageError("unknown option '" + option + "' for etlhost " + name + did_you_mean_suffix(option, names), name);
    }
    if (!applies_to(*spec, command.kind)) {
      throw UsageError("option " + option + " does not apply to etlhost " + name, name);
    }
    std::string value;
    if (spec->value_name == nullptr) {
      if (equals != std::string::npos) throw UsageError(option + " takes no value, found '" + arg + "'", name);
    } else if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else {
      if (i + 1 >= args.size()) {
        throw UsageError(option + " expects " + spec->value_name + ", found nothing (it is the last argument)", name);
      }
      const std::string& next = args[i + 1];
      if (next.starts_with("--")) {
        throw UsageError(option + " expects " + spec->value_name + ", found the option '" + next +
                             "' (write " + option + "=VALUE for a value starting with --)",
                         name);
      }
      value = next;
      ++i;
    }
    switch (spec->id) {
      case kOptConfig: command.config_file = value; break;
      case kOptSinkConfig: command.sink_config_file = value; break;
      case kOptSet: command.sets.push_back(parse_set(value, command.kind == CommandKind::kTestPlugin)); break;
      case kOptState: command.state_file = value; break;
      case kOptCatalog: command.catalog_file = value; break;
      case kOptPluginPath: command.plugin_path.push_back(value); break;
      case kOptCheckpointInterval: command.checkpoint_interval_s = parse_seconds(option, value); break;
      case kOptProgressInterval: command.progress_interval_s = parse_seconds(option, value); break;
      case kOptLogLevel:
        if (!parse_log_level(value, &command.log_level)) {
          throw UsageError("--log-level expects error, warn, info or debug, found '" + value + "'", name);
        }
        break;
      case kOptJson: command.json = true; break;
      case kOptHelp: wants_help = true; break;
      case kOptOutput: command.output = value; break;
      case kOptQuick: command.quick = true; break;
      case kOptKeepGoing: command.keep_going = true; break;
      case kOptSeed: command.seed = parse_seed(option, value); break;
      case kOptTimeout:
        command.timeout_s = parse_seconds(option, value);
        if (command.timeout_s <= 0) throw UsageError("--timeout expects a number of seconds above 0", name);
        break;
    }
    if (value.empty() && spec->value_name != nullptr && spec->id != kOptSet) {
      throw UsageError(option + " expects " + spec->value_name + ", found an empty value", name);
    }
  }
  if (wants_help) {
    // `etlhost run --help` works whatever else is on the line.
    command.help_topic = command.kind == CommandKind::kHelp ? "help" : name;
    command.kind = CommandKind::kHelp;
    return command;
  }
  assign_positionals(command, positionals);
  return command;
}

}  // namespace etlhost
