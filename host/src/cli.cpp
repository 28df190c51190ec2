#include "cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <utility>

#include "command_table.h"
#include "etlhost/plugin.h"
#include "exit_codes.h"
#include "host_error.h"
#include "text_util.h"
#include "version.h"

namespace etlhost {

namespace {

// ------------------------------------------------------------------------------------------
// Help texts, generated from the command table and the exit-code table
// ------------------------------------------------------------------------------------------

// Not a command but an option of etlhost itself, valid only as the first argument.
constexpr const char* kVersionOption = "--version";

// Generated prose wraps at this width; the hand-written text around it keeps within it too.
constexpr size_t kHelpWidth = 84;
// Where the main help's command summaries and exit-code meanings start.
constexpr size_t kSummaryColumn = 43;
constexpr size_t kMeaningColumn = 7;

std::string padded(std::string text, size_t column) {
  if (text.size() < column) text.resize(column, ' ');
  return text;
}

// `text` (words separated by spaces) after `first`, wrapped at kHelpWidth onto lines that
// start with `indent` spaces. Ends with a newline.
std::string wrapped(const std::string& first, std::string_view text, size_t indent) {
  std::string out;
  std::string line = first;
  bool line_has_words = false;
  for (const std::string& word : split_nonempty(text, ' ')) {
    if (line_has_words && line.size() + 1 + word.size() > kHelpWidth) {
      out += line + "\n";
      line = std::string(indent, ' ');
      line_has_words = false;
    }
    if (line_has_words) line += ' ';
    line += word;
    line_has_words = true;
  }
  return out + line + "\n";
}

// `text` with its first `placeholder` replaced by `value`.
std::string filled(std::string text, std::string_view placeholder, const std::string& value) {
  const size_t at = text.find(placeholder);
  if (at != std::string::npos) text.replace(at, placeholder.size(), value);
  return text;
}

const OptionSpec& option_spec(OptionId id) {
  for (const OptionSpec& spec : option_specs()) {
    if (spec.id == id) return spec;
  }
  throw std::logic_error("option id " + std::to_string(id) + " is not in option_specs()");
}

// "  --set PLUGIN.KEY=VALUE      set one config key ...", one line per line of its help.
std::string option_rows(const CommandSpec& command) {
  std::string out;
  for (const CommandOption& option : command.options) {
    const OptionSpec& spec = option_spec(option.id);
    std::string left = "  ";
    if (spec.short_name != nullptr) left += std::string(spec.short_name) + ", ";
    left += spec.name;
    const char* value = option.shown_value != nullptr ? option.shown_value : spec.value_name;
    if (value != nullptr) left += std::string(" ") + value;
    const char* help = option.help != nullptr ? option.help : spec.default_help;
    if (help == nullptr) throw std::logic_error(std::string(spec.name) + " has no help for " + command.name);
    std::string indent = padded(std::move(left), command.options_column);
    for (const std::string& line : split_nonempty(help, '\n')) {
      out += indent + line + "\n";
      indent = std::string(command.options_column, ' ');
    }
  }
  return out;
}

// "Exit codes: 0 ok, 2 usage, ... (see `etlhost help`).", for `codes` of the table.
std::string exit_code_summary(const std::vector<int>& codes) {
  std::vector<std::string> items;
  for (const int code : codes) {
    for (const ExitCodeInfo& info : kExitCodeTable) {
      if (info.code == code) items.push_back(std::to_string(code) + " " + info.name);
    }
  }
  return wrapped("Exit codes: ", join(items, ", ") + " (see `etlhost help`).", 0);
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const CommandSpec& spec : command_specs()) names.emplace_back(spec.name);
  return names;
}

std::string command_help(const CommandSpec& command, const std::string& checks) {
  std::vector<std::string> topics;
  for (const CommandSpec& other : command_specs()) {
    if (other.kind != command.kind) topics.emplace_back(other.name);
  }
  std::string text = filled(command.help, "{options}", option_rows(command));
  text = filled(std::move(text), "{checks}", checks);
  text = filled(std::move(text), "{exit_codes}", exit_code_summary(command.exit_codes));
  return filled(std::move(text), "{topics}", join(topics, ", "));
}

std::string main_help() {
  std::string usage;
  for (const CommandSpec& spec : command_specs()) {
    usage += padded(std::string("  etlhost ") + spec.synopsis, kSummaryColumn) + spec.summary + "\n";
  }
  usage += padded(std::string("  etlhost ") + kVersionOption, kSummaryColumn) + "print the version\n";
  std::string exit_codes;
  for (const ExitCodeInfo& info : kExitCodeTable) {
    exit_codes += wrapped(padded("  " + std::to_string(info.code), kMeaningColumn), info.meaning, kMeaningColumn);
  }
  return filled(filled(kMainHelpTemplate, "{commands}", usage), "{exit_codes}", exit_codes);
}

// ------------------------------------------------------------------------------------------
// Options
// ------------------------------------------------------------------------------------------

const char* command_name(CommandKind kind) {
  const CommandSpec* spec = find_command(kind);
  return spec != nullptr ? spec->name : kVersionOption;
}

bool applies_to(const OptionSpec& spec, CommandKind kind) {
  const CommandSpec* command = find_command(kind);
  if (command == nullptr) return false;
  for (const CommandOption& option : command->options) {
    if (option.id == spec.id) return true;
  }
  return false;
}

uint64_t parse_whole_number(const std::string& option, const std::string& text, const std::string& topic) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) {
    throw UsageError(option + " expects a whole number, 0 or more, found '" + text + "'", topic);
  }
  return value;
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

// --catalog and its older name --properties (singer-python's) set the one catalog file.
void set_catalog(Command& command, const std::string& option, const std::string& value) {
  if (command.catalog_file) {
    throw UsageError(option + " names a second catalog file; --catalog and --properties (its older name) are one "
                              "option, give it once",
                     command_name(command.kind));
  }
  command.catalog_file = value;
}

AboutFormat parse_about_format(const std::string& text) {
  if (text == "markdown") return AboutFormat::kMarkdown;
  if (text == "json") return AboutFormat::kJson;
  throw UsageError("--format expects markdown or json, found '" + abbreviate(text, excerpt::kName) + "'", "tap");
}

// The value of an option that names one of a few choices.
template <class Choice>
Choice parse_choice(const std::string& option, const std::string& value,
                    std::initializer_list<std::pair<const char*, Choice>> choices, const std::string& command) {
  std::vector<std::string> names;
  for (const auto& [choice_name, choice] : choices) {
    if (value == choice_name) return choice;
    names.emplace_back(choice_name);
  }
  throw UsageError(option + " expects " + join(names, ", ") + "; found '" + abbreviate(value, excerpt::kName) + "'",
                   command);
}

// tap's modes exclude each other, and --format belongs to --about.
void check_tap_modes(const Command& command) {
  const int modes = int{command.discover} + int{command.about} + int{command.version};
  if (modes > 1) throw UsageError("--discover, --about and --version exclude each other; give one", "tap");
  if (command.about_format && !command.about) throw UsageError("--format applies to --about only", "tap");
}

// `plugin_optional`: test-plugin also takes KEY=VALUE (there is only one plugin).
SetArgument parse_set(const std::string& text, bool plugin_optional) {
  const std::string expected = plugin_optional
                                   ? "--set expects KEY=VALUE (e.g. --set records=100), found '" +
                                         abbreviate(text, excerpt::kName) + "'"
                                   : "--set expects PLUGIN.KEY=VALUE (e.g. --set demo.records=100), found '" +
                                         abbreviate(text, excerpt::kName) + "'";
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
      "`etlhost run " +
      src +
      " -` with stdout sent to a file.\n"
      "Quote the arrow or use another form:\n"
      "  etlhost run " +
      src + " '->' " + sink +
      "\n"
      "  etlhost run " +
      src + " to " + sink +
      "\n"
      "  etlhost run " +
      src + ":" + sink;
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
    case CommandKind::kTap:
    case CommandKind::kCheck:
    case CommandKind::kDiscover: command.source = exactly_one("SOURCE"); break;
    case CommandKind::kDescribe: command.plugin = exactly_one("PLUGIN"); break;
    case CommandKind::kTestPlugin: command.plugin = exactly_one("PLUGIN"); break;
    case CommandKind::kPlugins:
    case CommandKind::kHistory:
      if (!positionals.empty()) {
        throw UsageError(std::string("etlhost ") + command_name(command.kind) + " takes no arguments, found '" +
                             join(positionals, " ") + "'",
                         command_name(command.kind));
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
  if (topic.empty()) return main_help();
  if (const CommandSpec* command = find_command(topic)) return command_help(*command, test_plugin_checks);
  throw UsageError("no help for unknown command '" + topic + "'" + did_you_mean_suffix(topic, command_names()));
}

std::vector<std::string> etlhost_arguments(const std::string& program, std::vector<std::string> args) {
  const std::string name = std::filesystem::path(program).filename().string();
  if (!name.starts_with(kTapProgramPrefix) || name.size() == kTapProgramPrefix.size()) return args;
  args.insert(args.begin(), {"tap", name.substr(kTapProgramPrefix.size())});
  return args;
}

Command parse_command_line(const std::vector<std::string>& args) {
  Command command;
  if (args.empty()) throw UsageError("missing command (" + join(command_names(), ", ") + ")");

  const std::string& first = args[0];
  if (first == kVersionOption || first == "-V") {
    if (args.size() > 1) throw UsageError(std::string(kVersionOption) + " takes no arguments");
    command.kind = CommandKind::kVersion;
    return command;
  }
  const OptionSpec& help_option = option_spec(kOptHelp);
  if (first == help_option.name || first == help_option.short_name) {
    command.kind = CommandKind::kHelp;
    return command;
  }
  if (const CommandSpec* spec = find_command(first)) {
    command.kind = spec->kind;
  } else if (first.starts_with("-")) {
    throw UsageError("unknown option '" + first + "'; options go after the command");
  } else {
    throw UsageError("unknown command '" + first + "'" + did_you_mean_suffix(first, command_names()));
  }

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
    if (arg == help_option.short_name) {
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
      if (option == candidate.name || (candidate.short_name != nullptr && option == candidate.short_name)) {
        spec = &candidate;
      }
    }
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const OptionSpec& candidate : option_specs()) {
        if (applies_to(candidate, command.kind)) names.emplace_back(candidate.name);
      }
      throw UsageError("unknown option '" + option + "' for etlhost " + name + did_you_mean_suffix(option, names),
                       name);
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
        throw UsageError(option + " expects " + spec->value_name + ", found the option '" + next + "' (write " +
                             option + "=VALUE for a value starting with --)",
                         name);
      }
      value = next;
      ++i;
    }
    switch (spec->id) {
      case kOptConfig: command.config_files.push_back(value); break;
      case kOptSinkConfig: command.sink_config_file = value; break;
      case kOptSet: command.sets.push_back(parse_set(value, command.kind == CommandKind::kTestPlugin)); break;
      // The singer sink's managed target: a shorthand for --set singer.target=CMD.
      case kOptTarget: command.sets.push_back(SetArgument{"sink", "target", value, "singer.target"}); break;
      case kOptState: command.state_file = value; break;
      case kOptCatalog:
      case kOptProperties: set_catalog(command, option, value); break;
      case kOptDiscover: command.discover = true; break;
      case kOptAbout: command.about = true; break;
      case kOptFormat: command.about_format = parse_about_format(value); break;
      case kOptVersion: command.version = true; break;
      case kOptPluginPath: command.plugin_path.push_back(value); break;
      case kOptCheckpointInterval: command.checkpoint_interval_s = parse_seconds(option, value); break;
      case kOptProgressInterval: command.progress_interval_s = parse_seconds(option, value); break;
      case kOptLogLevel:
        if (!parse_log_level(value, &command.log_level)) {
          throw UsageError("--log-level expects error, warn, info or debug, found '" + value + "'", name);
        }
        break;
      case kOptVerbose: command.log_level = LogLevel::kDebug; break;
      case kOptQuiet: command.log_level = LogLevel::kWarn; break;
      case kOptLogFormat:
        command.log_format = parse_choice<LogFormat>(option, value,
                                                     {{"text", LogFormat::kText}, {"json", LogFormat::kJson}}, name);
        break;
      case kOptProgress:
        command.progress = parse_choice<ProgressMode>(option, value,
                                                      {{"auto", ProgressMode::kAuto},
                                                       {"tty", ProgressMode::kTty},
                                                       {"plain", ProgressMode::kPlain},
                                                       {"json", ProgressMode::kJson},
                                                       {"off", ProgressMode::kOff}},
                                                      name);
        break;
      case kOptProgressFile: command.progress_file = value; break;
      case kOptReport: command.report_file = value; break;
      case kOptFullRefresh: command.full_refresh = true; break;
      case kOptDryRun: command.dry_run = true; break;
      case kOptJson: command.json = true; break;
      case kOptHelp: wants_help = true; break;
      case kOptOutput: command.output = value; break;
      case kOptQuick: command.quick = true; break;
      case kOptKeepGoing: command.keep_going = true; break;
      case kOptSeed: command.seed = parse_seed(option, value); break;
      case kOptLast: command.last = parse_whole_number(option, value, name); break;
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
  if (command.kind == CommandKind::kTap) check_tap_modes(command);
  return command;
}

}  // namespace etlhost
