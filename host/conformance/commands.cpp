// etlhost test-plugin PLUGIN: the conformance kit (sdk/conformance.md). This
// file turns the command line into the kit's options; the rest of host/conformance is the kit.
#include <filesystem>
#include <optional>
#include <random>

#include "conformance/check_table.h"
#include "conformance/commands.h"
#include "conformance/crash_injection.h"
#include "conformance/kit.h"
#include "conformance/output_tree.h"
#include "conformance/synthetic_source.h"
#include "exit_codes.h"
#include "host_error.h"
#include "plugin_loader.h"
#include "plugin_search.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

namespace fs = std::filesystem;

// The hidden run mode: the synthetic source, and the sink wrapped when crash injection asks.
void enable_synthetic_source() {
  register_builtin_plugin(synthetic_source_descriptor());
  arm_flush_kill_from_environment();
}

// The plugin's absolute path, from the path or the name the user gave; `expected_name` is
// the name (or "" for a path). Throws HostError (exit 4) when there is none.
void resolve_plugin(const Command& command, KitOptions& options) {
  if (looks_like_plugin_path(command.plugin)) {
    std::error_code error;
    options.plugin_path = fs::absolute(command.plugin, error).lexically_normal().string();
    if (!fs::is_regular_file(options.plugin_path, error)) {
      throw HostError(exit_code::kPluginLoad, "plugin file " + command.plugin + " does not exist");
    }
    return;
  }
  if (!is_plugin_name(command.plugin)) {
    throw HostError(exit_code::kPluginLoad,
                    "'" + command.plugin + "' is not a plugin name ([a-z0-9_-]+) nor a path to a .so file");
  }
  const auto dirs = default_plugin_search_dirs(command.plugin_path);
  const SearchResult search = find_plugin(command.plugin, dirs);
  if (!search.path) {
    std::string message = "plugin '" + command.plugin + "' not found";
    if (auto suggestion = did_you_mean(command.plugin, installed_plugin_names(dirs))) {
      message += " (did you mean '" + *suggestion + "'?)";
    }
    message += "; looked for:";
    for (const std::string& tried : search.tried) message += "\n  " + tried;
    throw HostError(exit_code::kPluginLoad, message);
  }
  options.plugin_path = fs::absolute(*search.path).lexically_normal().string();
  options.expected_name = command.plugin;
}

// --output as an absolute path (or "-"); it must be new or empty, since the kit empties it.
std::optional<std::string> checked_output(const Command& command) {
  if (!command.output) return std::nullopt;
  if (*command.output == "-") return std::string("-");
  const std::string path = fs::absolute(*command.output).lexically_normal().string();
  if (!output_is_empty(path)) {
    throw UsageError("--output " + *command.output +
                         " must be a new path or an empty directory: the kit deletes what the sink writes there "
                         "before each check",
                     "test-plugin");
  }
  return path;
}

int test_plugin_command(const Command& command, Logger& logger) {
  KitOptions options;
  resolve_plugin(command, options);
  if (command.config_files.size() > 1) {
    throw UsageError(
        "etlhost test-plugin takes one --config FILE, found " + std::to_string(command.config_files.size()),
        "test-plugin");
  }
  if (!command.config_files.empty()) {
    options.config_file = fs::absolute(command.config_files.front()).lexically_normal().string();
  }
  options.output = checked_output(command);
  options.sets = command.sets;
  options.quick = command.quick;
  options.keep_going = command.keep_going;
  options.json = command.json;
  options.timeout_s = command.timeout_s;
  if (command.seed) {
    options.seed = *command.seed;
  } else {
    std::random_device device;
    options.seed = (static_cast<uint64_t>(device()) << 32 | device()) % 1000000000ull;
  }
  return run_kit(options, logger);
}

}  // namespace

KitCommands kit_commands() {
  KitCommands commands;
  commands.test_plugin = test_plugin_command;
  commands.enable_synthetic_source = enable_synthetic_source;
  commands.checks_help = checks_help;
  return commands;
}

}  // namespace etlhost::conformance
