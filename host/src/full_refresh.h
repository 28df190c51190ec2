// `run --full-refresh`: start over from the source's start and replace the sink's output
// (plugin.h section 7, "Full refresh"). The empty state is committed first, then the sink's
// reset() discards its output, so a crash in between leaves a state that starts over too.
#pragma once

#include <string>

#include "logger.h"
#include "plugin_instance.h"
#include "state_store.h"

namespace etlhost {

/// Refuses (HostError exit 2, nothing changed) when the sink has no reset(). Otherwise
/// commits an empty state to `store` (when there is one), calls reset() (HostError exit 6
/// when it fails) and returns the state the run starts from: none. `sink_location` names
/// the output for the log line.
StoredState begin_full_refresh(StateStore* store, SourceInstance& source, SinkInstance& sink,
                               const std::string& sink_location, Logger& logger);

}  // namespace etlhost
