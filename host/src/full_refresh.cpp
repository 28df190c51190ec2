#include "full_refresh.h"

#include "exit_codes.h"
#include "host_error.h"

namespace etlhost {

StoredState begin_full_refresh(StateStore* store, SourceInstance& source, SinkInstance& sink,
                               const std::string& sink_location, Logger& logger) {
  if (!sink.has_reset()) {
    throw HostError(exit_code::kUsage, "--full-refresh: sink '" + sink.name() +
                                           "' cannot replace its output (it has no reset()), so a full refresh would "
                                           "write everything a second time. Nothing was changed. Run without "
                                           "--full-refresh, or clear the sink's output yourself.");
  }
  logger.warn("full refresh: source '" + source.name() + "' starts over from its start (start_date)" +
              (store ? ", ignoring the state in " + store->path() : std::string()) + "; sink '" + sink.name() +
              "' is replacing its output" + (sink_location.empty() ? std::string() : " at " + sink_location));
  if (store) store->commit(source.name(), std::nullopt, sink.name(), std::nullopt);
  const CallResult reset = sink.reset();
  if (!reset.ok()) {
    throw HostError(
        exit_code::kSinkFailed,
        "--full-refresh: sink '" + sink.name() + "' failed to discard its output: " + reset.describe() +
            (store ? ". The state in " + store->path() + " is already empty, so the next run starts over too."
                   : std::string()));
  }
  return StoredState{};
}

}  // namespace etlhost
