#include "commands/dry_run.h"

#include <sys/stat.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "commands/common.h"
#include "exit_codes.h"
#include "host_error.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "signals.h"
#include "state_store.h"

namespace etlhost {

namespace {

// The state the run would start from: read, never locked, created or written. A missing
// file is a first run, as for run.
StoredState read_state_for_plan(const Command& command, const std::string& source, const std::string& sink,
                                Logger& logger) {
  if (!command.state_file) return {};
  struct stat info {};
  if (::stat(command.state_file->c_str(), &info) != 0) return {};
  return read_input_state(*command.state_file, source, sink, logger);
}

// "  events 9007199254740993: 2023-11-15T00:00:00Z to 2023-11-16T00:00:00Z"
std::string unit_line(const nlohmann::json& unit) {
  if (!unit.is_object()) return "  " + unit.dump();
  std::string line = "  " + string_member(unit, "stream") + " " + string_member(unit, "id");
  const std::string start = string_member(unit, "start");
  const std::string end = string_member(unit, "end");
  if (!start.empty() || !end.empty()) line += ": " + start + " to " + end;
  return line;
}

std::string duration_text(double seconds) {
  char text[48];
  if (seconds < 120) {
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(text, sizeof text, "%.0f min", seconds / 60);
  } else {
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  }
  return text;
}

void log_plan(const nlohmann::json& plan, const std::string& source, Logger& logger) {
  logger.info("dry run: " + source + " plans: " + string_member(plan, "summary"));
  const auto units = plan.find("units");
  if (units != plan.end() && units->is_array()) {
    for (const nlohmann::json& unit : *units) logger.info(unit_line(unit));
  }
  const auto estimated = plan.find("estimated_ms");
  if (estimated != plan.end() && estimated->is_number_integer() && estimated->get<int64_t>() > 0) {
    logger.info("dry run: expected duration at least " +
                duration_text(static_cast<double>(estimated->get<int64_t>()) / 1000.0) + " (the source's rate limit)");
  }
}

}  // namespace

int dry_run_command(const Command& command, Logger& logger) {
  install_stop_handlers();
  CancelFlag& cancel = process_cancel_flag();
  const RunInputs in = load_run_inputs(command, logger);  // the sink's config is checked too
  const auto& source_plugin = in.source_plugin;
  const auto& sink_plugin = in.sink_plugin;
  const StoredState stored = read_state_for_plan(command, source_plugin->name(), sink_plugin->name(), logger);

  logger.info("dry run: " + source_plugin->name() + " -> " + sink_plugin->name() + ", from " +
              (stored.source_state ? "the state in " + *command.state_file : std::string("the source's beginning")));
  SourceInstance source(source_plugin, in.source_config.json_text, logger, cancel);
  std::string plan_text;
  const CallResult result = source.plan(in.catalog, stored.source_state.value_or(""), &plan_text);
  if (cancel.requested()) return exit_code_for_signal(cancel.signal_number());
  const std::string who = "source '" + source_plugin->name() + "'";
  if (result.status == ETL_E_NOT_IMPLEMENTED) {
    throw HostError(exit_code::kSourceFailed, who + " cannot plan a run, so --dry-run is not available for it (" +
                                                  result.message + "); run without --dry-run");
  }
  if (!result.ok()) throw HostError(exit_code::kSourceFailed, who + " failed to plan the run: " + result.describe());
  const auto plan = parse_bounded_or_discarded<nlohmann::json>(plan_text);
  if (!plan.is_object()) {
    throw HostError(exit_code::kSourceFailed, who + "'s plan() returned no JSON object (plugin.h, plan)");
  }
  log_plan(plan, source_plugin->name(), logger);
  logger.info("dry run: nothing was fetched, no sink was created, the state was not written");
  if (!write_stdout(plan.dump() + "\n")) return stdout_failure(logger);
  return exit_code::kOk;
}

}  // namespace etlhost
