// etlhost run SOURCE '->' SINK: load, validate and create both plugins (all before any
// data moves), lock and read the state file, then hand over to the pipeline.
#include <optional>

#include "catalog_file.h"
#include "commands/commands.h"
#include "commands/common.h"
#include "config_builder.h"
#include "exit_codes.h"
#include "host_error.h"
#include "pipeline.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "plugin_search.h"
#include "signals.h"
#include "state_store.h"

namespace etlhost {

namespace {

std::string describe_start(const LoadedPlugin& source, const LoadedPlugin& sink, const StateStore* store,
                           const StoredState& stored) {
  std::string text = "run: " + source.name() + " " + source.version() + " -> " + sink.name() + " " + sink.version();
  if (store == nullptr) return text + "; no --state: the run starts from scratch and commits nothing";
  switch (stored.format) {
    case StoredState::Format::kMissing:
      return text + "; state file " + store->path() + " does not exist yet: first run";
    case StoredState::Format::kSingerState: return text + "; resuming from the Singer state in " + store->path();
    case StoredState::Format::kEnvelope:
      return text + "; resuming from " + store->path() +
             (stored.source_state ? std::string() : " (no source state committed yet)");
  }
  return text;
}

}  // namespace

int run_command(const Command& command, Logger& logger) {
  install_stop_handlers();
  CancelFlag& cancel = process_cancel_flag();

  // 1. Load both plugins, validate both configs, create both instances.
  const auto dirs = default_plugin_search_dirs(command.plugin_path);
  const auto source_plugin = load_plugin(command.source, PluginKind::kSource, dirs);
  const auto sink_plugin = load_plugin(command.sink, PluginKind::kSink, dirs);

  const RoutedSets sets = route_sets(command.sets, source_plugin->name(), sink_plugin->name());
  const BuiltConfig source_config = build_config(
      source_plugin->config_fields(),
      ConfigInputs{source_plugin->name(), "--config", command.config_file, sets.source});
  const BuiltConfig sink_config = build_config(
      sink_plugin->config_fields(),
      ConfigInputs{sink_plugin->name(), "--sink-config", command.sink_config_file, sets.sink});
  // Registered before create(): a plugin may log (or fail) with its config in hand.
  for (const std::string& secret : source_config.secrets) logger.add_secret(secret);
  for (const std::string& secret : sink_config.secrets) logger.add_secret(secret);
  const std::string catalog = command.catalog_file ? read_catalog_file(*command.catalog_file) : std::string();

  // Declared before the instances so the lock is held until both are destroyed.
  std::optional<StateStore> store;
  SourceInstance source(source_plugin, source_config.json_text, logger, cancel);
  SinkInstance sink(sink_plugin, sink_config.json_text, logger, cancel);

  // 2. The state file: locked for the whole run, then read.
  StoredState stored;
  if (command.state_file) {
    store.emplace(*command.state_file);
    stored = store->read(source_plugin->name(), sink_plugin->name(), logger);
  }
  logger.info(describe_start(*source_plugin, *sink_plugin, store ? &*store : nullptr, stored));

  // 3-6. Restore, baseline commit, sync, finish.
  Pipeline pipeline(source, sink, store ? &*store : nullptr, logger, cancel,
                    PipelineOptions{command.checkpoint_interval_s, command.progress_interval_s});
  return pipeline.run(catalog, stored);
}

}  // namespace etlhost
