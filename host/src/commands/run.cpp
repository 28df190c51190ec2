// etlhost run SOURCE '->' SINK: load, validate and create both plugins (all before any
// data moves), lock and read the state file, then hand over to the pipeline.
#include <chrono>
#include <optional>

#include "commands/commands.h"
#include "commands/common.h"
#include "commands/dry_run.h"
#include "exit_codes.h"
#include "full_refresh.h"
#include "host_error.h"
#include "pipeline.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "run_history.h"
#include "run_identity.h"
#include "signals.h"
#include "state_store.h"
#include "text_util.h"

namespace etlhost {

namespace {

// Where the run starts from, for the first log line. `path` is the state file ("": none).
std::string describe_resume(const std::string& path, const StoredState& stored) {
  if (path.empty()) return "no --state: the run starts from scratch and commits nothing";
  const std::string shown = absolute_path_text(path);
  if (!stored.source_state) return "state file " + shown + " holds no source state yet: first run";
  switch (stored.format) {
    case StoredState::Format::kSingerState: return "resuming from the Singer state in " + shown;
    case StoredState::Format::kStateMessage: return "resuming from the Singer STATE message in " + shown;
    case StoredState::Format::kEnvelope:
    case StoredState::Format::kMissing: break;
  }
  return "resuming from " + shown;
}

std::string describe_start(const Command& command, const LoadedPlugin& source, const LoadedPlugin& sink,
                           const StoredState& stored) {
  std::string text = "run: " + source.name() + " " + source.version() + " -> " + sink.name() + " " + sink.version();
  text += "; " + describe_resume(command.state_file.value_or(""), stored);
  if (command.state_input_only && command.state_file) text += " (input only: never written)";
  return text;
}

}  // namespace

int run_command(const Command& command, Logger& logger) {
  if (command.dry_run) return dry_run_command(command, logger);  // reads, plans, moves nothing
  install_stop_handlers();
  CancelFlag& cancel = process_cancel_flag();

  // 1. Load both plugins, validate both configs, create both instances.
  const RunInputs in = load_run_inputs(command, logger);
  const auto& source_plugin = in.source_plugin;
  const auto& sink_plugin = in.sink_plugin;

  // Declared before the instances so the lock is held until both are destroyed.
  std::optional<StateStore> store;
  SourceInstance source(source_plugin, in.source_config.json_text, logger, cancel);
  SinkInstance sink(sink_plugin, in.sink_config.json_text, logger, cancel);

  // 2. The state file: locked for the whole run, then read; or, input only, just read.
  StoredState stored;
  PipelineOptions options{command.checkpoint_interval_s,
                          command.progress_interval_s,
                          "",
                          command.progress,
                          command.progress_file.value_or(""),
                          ""};
  if (command.state_file && command.state_input_only) {
    stored = read_input_state(*command.state_file, source_plugin->name(), sink_plugin->name(), logger);
    options.input_state_path = *command.state_file;
  } else if (command.state_file) {
    store.emplace(*command.state_file);
    stored = store->read(source_plugin->name(), sink_plugin->name(), logger);
  }
  // Whose state it is (run_identity.h), and --full-refresh (full_refresh.h): before any data moves.
  const RunIdentity identity = query_run_identity(source, sink);
  if (store) store->set_identity(identity.envelope_member());
  options.output_location = identity.sink_location();
  if (command.full_refresh) {
    stored = begin_full_refresh(store ? &*store : nullptr, source, sink, identity.sink_location(), logger);
  } else if (command.state_file) {
    check_run_identity(stored, identity, *command.state_file, source_plugin->name(), sink_plugin->name(), logger);
  }
  logger.info(describe_start(command, *source_plugin, *sink_plugin, stored));

  // 3-6. Restore, baseline commit, sync, finish.
  Pipeline pipeline(source, sink, store ? &*store : nullptr, logger, cancel, options);
  const auto started_at = std::chrono::system_clock::now();
  const int code = pipeline.run(in.catalog, stored);
  keep_run_record(command,
                  RunFacts{started_at, std::chrono::system_clock::now(), code, source_plugin->name(),
                           source_plugin->version(), sink_plugin->name(), sink_plugin->version(), pipeline.stats(),
                           source.services().work(), stored.source_state, pipeline.committed_state(),
                           options.output_location, pipeline.committed_checkpoint()},
                  logger);
  return code;
}

}  // namespace etlhost
