// Which account and which output a state belongs to (plugin.h section 7, "Identity"). A run
// asks both plugins for their identity, compares it with what the state file recorded and
// refuses a mismatch before any data moves, so a simulator's bookmark never resumes a real
// account and two outputs never share one state by accident. Every commit then records
// {"source": <source identity>|null, "sink": <sink identity>|null} in the envelope.
#pragma once

#include <optional>
#include <string>

#include "logger.h"
#include "plugin_instance.h"
#include "state_store.h"

namespace etlhost {

struct RunIdentity {
  /// Canonical JSON text of each plugin's identity; "" when the plugin records none.
  std::string source;
  std::string sink;

  /// The envelope's "identity" member: {"source":...,"sink":...}.
  std::string envelope_member() const;
  /// Where the output goes, for messages: the sink identity's "location" (plugin.h), else
  /// the whole identity, else "".
  std::string sink_location() const;
};

/// Asks both instances. Throws HostError (exit 5 or 6) when one fails or answers with
/// something that is not a JSON object.
RunIdentity query_run_identity(SourceInstance& source, SinkInstance& sink);

/// Compares `now` with what `stored` (read from `state_path`) recorded. A state without an
/// identity (a first run, or a file of an older etlhost) adopts this run's, with an INFO
/// line for the latter; an identity a plugin does not record on either side is not compared.
/// Throws HostError(exit 7) naming both identities and what to do when one differs.
void check_run_identity(const StoredState& stored, const RunIdentity& now, const std::string& state_path,
                        const std::string& source_name, const std::string& sink_name, Logger& logger);

}  // namespace etlhost
