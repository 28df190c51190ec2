// etlhost discover SOURCE: prints the source's Singer catalog, built from the SCHEMA
// messages its discover() emits. Each message's JSON is a catalog entry without
// tap_stream_id/stream; its keys keep their order.
#include <string>

#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/common.h"
#include "exit_codes.h"
#include "host_error.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "protocol.h"
#include "receiver_emitter.h"
#include "signals.h"

namespace etlhost {

namespace {

// The emitter for discover(): accepts SCHEMA only and collects catalog entries.
class CatalogCollector {
 public:
  explicit CatalogCollector(std::string source_name)
      : source_name_(std::move(source_name)), emitter_(emitter_for(*this)) {}
  CatalogCollector(const CatalogCollector&) = delete;
  CatalogCollector& operator=(const CatalogCollector&) = delete;

  const etl_emitter* emitter() const { return &emitter_; }
  const std::string& failure() const { return failure_; }
  nlohmann::ordered_json catalog() const { return nlohmann::ordered_json{{"streams", streams_}}; }

  // The receiver of emitter_ (receiver_emitter.h).
  EmitAnswer accept(const etl_message* const* messages, size_t count) {
    if (emit(messages, count) == ETL_OK) return {};
    return {ETL_E_INVALID_DATA, failure_};
  }
  EmitAnswer internal_error(const char* what) {
    if (failure_.empty()) {
      failure_ = std::string("internal error in emit(): ") + (what != nullptr ? what : "unknown exception");
    }
    return {ETL_E_INVALID_DATA, failure_};
  }

 private:
  etl_status emit(const etl_message* const* messages, size_t count) {
    if (!failure_.empty()) return ETL_E_INVALID_DATA;
    if (count > 0 && messages == nullptr) return refuse("called emit() with a NULL message array");
    for (size_t i = 0; i < count; ++i) {
      if (auto problem = check_message_shape(messages[i], i)) return refuse(*problem);
      const etl_message& message = *messages[i];
      if (message.kind != ETL_MSG_SCHEMA) {
        return refuse("emitted a " + message_kind_name(message.kind) +
                      " during discover; only SCHEMA messages belong there");
      }
      nlohmann::ordered_json entry_body;
      if (auto problem = check_schema(message, &entry_body)) return refuse(*problem);
      const std::string stream(etl::view(message.stream));
      nlohmann::ordered_json entry{{"tap_stream_id", stream}, {"stream", stream}};
      for (auto& [key, value] : entry_body.items()) entry[key] = value;  // a message's own keys win
      streams_.push_back(std::move(entry));
    }
    return ETL_OK;
  }

  etl_status refuse(const std::string& problem) {
    failure_ = "source '" + source_name_ + "' " + problem;
    return ETL_E_INVALID_DATA;
  }

  std::string source_name_;
  etl_emitter emitter_{};
  nlohmann::ordered_json streams_ = nlohmann::ordered_json::array();
  std::string failure_;
};

}  // namespace

int discover_command(const Command& command, Logger& logger) {
  install_stop_handlers();
  CancelFlag& cancel = process_cancel_flag();

  const SourceInputs in = load_source_inputs(command, logger, false);  // a catalog needs no credentials
  const auto& plugin = in.plugin;

  SourceInstance source(plugin, in.config.json_text, logger, cancel);
  if (!source.has_discover()) {
    throw HostError(exit_code::kSourceFailed, "source '" + plugin->name() + "' has no catalog (it has no discover)");
  }
  CatalogCollector collector(plugin->name());
  const CallResult result = source.discover(collector.emitter());
  if (!collector.failure().empty()) throw HostError(exit_code::kSourceFailed, collector.failure());
  if (cancel.requested()) {
    logger.warn(std::string("stopped by ") + signal_name(cancel.signal_number()));
    return exit_code_for_signal(cancel.signal_number());
  }
  if (result.status == ETL_E_NOT_IMPLEMENTED) {
    throw HostError(exit_code::kSourceFailed, "source '" + plugin->name() + "' has no catalog: " + result.message);
  }
  if (!result.ok()) {
    throw HostError(exit_code::kSourceFailed,
                    "source '" + plugin->name() + "' failed to discover: " + result.describe());
  }
  if (!write_stdout(collector.catalog().dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n"))
    return stdout_failure(logger);
  return exit_code::kOk;
}

}  // namespace etlhost
