#include "run_identity.h"

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "exit_codes.h"
#include "host_error.h"

namespace etlhost {

namespace {

// The identity as canonical JSON (members sorted, no spaces), "" for none.
std::string canonical_identity(const CallResult& result, const std::string& text, const std::string& what,
                               int exit_code) {
  if (!result.ok()) throw HostError(exit_code, what + " failed to say what it is (identity()): " + result.describe());
  if (text.empty()) return {};
  nlohmann::json value = parse_bounded_or_discarded<nlohmann::json>(text);
  if (!value.is_object()) {
    throw HostError(exit_code, what + "'s identity() returned something that is not a JSON object; it must name "
                                      "where the data comes from or goes as one object (plugin.h)");
  }
  return value.dump();
}

// One side of the recorded identity as canonical text: "" when absent or null.
std::string recorded_side(const nlohmann::json& recorded, const char* side) {
  if (!recorded.is_object() || !recorded.contains(side) || !recorded[side].is_object()) return {};
  return recorded[side].dump();
}

std::string shown(const std::string& identity) { return identity.empty() ? "(none recorded)" : identity; }

}  // namespace

std::string RunIdentity::envelope_member() const {
  return "{\"source\":" + (source.empty() ? std::string("null") : source) +
         ",\"sink\":" + (sink.empty() ? std::string("null") : sink) + "}";
}

std::string RunIdentity::sink_location() const {
  if (sink.empty()) return {};
  const nlohmann::json value = nlohmann::json::parse(sink, nullptr, false);
  if (value.is_object() && value.contains("location") && value["location"].is_string()) {
    return value["location"].get<std::string>();
  }
  return sink;
}

RunIdentity query_run_identity(SourceInstance& source, SinkInstance& sink) {
  RunIdentity out;
  std::string text;
  CallResult result = source.identity(&text);
  out.source = canonical_identity(result, text, "source '" + source.name() + "'", exit_code::kSourceFailed);
  text.clear();
  result = sink.identity(&text);
  out.sink = canonical_identity(result, text, "sink '" + sink.name() + "'", exit_code::kSinkFailed);
  return out;
}

void check_run_identity(const StoredState& stored, const RunIdentity& now, const std::string& state_path,
                        const std::string& source_name, const std::string& sink_name, Logger& logger) {
  if (stored.format != StoredState::Format::kEnvelope) return;  // a first run, or a plain Singer state
  if (!stored.identity) {
    logger.info("state file " + state_path +
                " records no identity (an older etlhost wrote it); adopting this "
                "run's: source " +
                shown(now.source) + ", sink " + shown(now.sink));
    return;
  }
  const auto recorded = parse_bounded_or_discarded<nlohmann::json>(*stored.identity);
  const std::string was_source = recorded_side(recorded, "source");
  const std::string was_sink = recorded_side(recorded, "sink");
  const bool source_differs = !was_source.empty() && !now.source.empty() && was_source != now.source;
  const bool sink_differs = !was_sink.empty() && !now.sink.empty() && was_sink != now.sink;
  if (!source_differs && !sink_differs) return;

  std::string what;
  if (source_differs) {
    what += "source '" + source_name + "' is now " + now.source + ", but the state was committed for " + was_source;
  }
  if (sink_differs) {
    what += std::string(source_differs ? "; and " : "") + "sink '" + sink_name + "' is now " + now.sink +
            ", but the state was committed for " + was_sink;
  }
  throw HostError(exit_code::kStateFile,
                  "state file " + state_path + " belongs to another " +
                      (source_differs ? (sink_differs ? "account and output" : "account") : "output") + ": " + what +
                      ". Nothing was read or written. Use another --state file for this account and output, or pass "
                      "--full-refresh to start over from start_date and replace the output.");
}

}  // namespace etlhost
