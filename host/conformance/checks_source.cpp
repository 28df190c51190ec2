// The source checks: discover.catalog, sync.protocol, sync.resume, sync.cancellation.
// Each drives the source (wrapped, spy.h) with its own recording emitter, which applies
// the host's protocol checks (protocol.h) and then the stricter ones of the kit.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>

#include "conformance/kit.h"
#include "host_error.h"
#include "plugin_instance.h"
#include "protocol.h"
#include "receiver_emitter.h"
#include "signals.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json check_json(const CheckResult& result, nlohmann::json data = nlohmann::json::object()) {
  return {{"check", to_json(result)}, {"data", std::move(data)}};
}

uint64_t fnv1a(std::string_view a, std::string_view b) {
  uint64_t hash = 1469598103934665603ull;
  const auto mix = [&hash](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  mix(a);
  mix(std::string_view("\0", 1));
  mix(b);
  return hash;
}

// Collects what a source emits and checks each message.
class RecordingEmitter {
 public:
  enum class Mode { kDiscover, kSync };

  RecordingEmitter(std::string source_name, Mode mode, CancelFlag* cancel_after_first_batch = nullptr)
      : source_name_(std::move(source_name)), mode_(mode), cancel_(cancel_after_first_batch) {
    emitter_ = emitter_for(*this);
  }
  RecordingEmitter(const RecordingEmitter&) = delete;
  RecordingEmitter& operator=(const RecordingEmitter&) = delete;

  const etl_emitter* emitter() const { return &emitter_; }

  struct State {
    size_t records_before;
    std::string json;
  };

  std::string violation;
  std::vector<uint64_t> records;
  std::vector<uint16_t> record_streams;
  std::vector<std::string> streams;
  std::vector<State> states;
  std::vector<std::pair<std::string, nlohmann::ordered_json>> catalog;  // discover: (stream, entry)
  size_t emit_calls = 0;
  size_t calls_after_cancel = 0;
  bool cancelled = false;
  Clock::time_point cancelled_at;

  // The receiver of emitter_for() (receiver_emitter.h).
  EmitAnswer accept(const etl_message* const* messages, size_t count) {
    ++emit_calls;
    if (cancelled) {
      ++calls_after_cancel;
      return {ETL_E_CANCELLED, "stopped by SIGINT"};
    }
    if (!violation.empty()) return {ETL_E_INVALID_DATA, violation};
    if (count > 0 && messages == nullptr) return refuse("called emit() with a NULL message array");
    for (size_t i = 0; i < count; ++i) {
      if (auto problem = check_message_shape(messages[i], i)) return refuse(*problem);
      const EmitAnswer answer = take(*messages[i]);
      if (answer.status != ETL_OK) return answer;
    }
    if (cancel_ != nullptr && !cancelled) {
      cancelled = true;
      cancelled_at = Clock::now();
      cancel_->request(SIGINT);
      set_call_deadline(10, "of cancellation (the kit set the stop flag after the first batch)");
    }
    return {};
  }
  EmitAnswer internal_error(const char* what) {
    if (violation.empty())
      violation = std::string("(kit) exception in emit(): ") + (what != nullptr ? what : "unknown");
    return {ETL_E_INTERNAL, violation};
  }

 private:
  EmitAnswer refuse(std::string problem) {
    if (violation.empty()) violation = "source '" + source_name_ + "' " + std::move(problem);
    return {ETL_E_INVALID_DATA, violation};
  }

  size_t stream_index(std::string_view name) const {
    for (size_t i = 0; i < streams.size(); ++i) {
      if (streams[i] == name) return i;
    }
    return SIZE_MAX;
  }

  // One message, already shape-checked: the kit's checks, then it is recorded.
  EmitAnswer take(const etl_message& message) {
    const std::string_view stream = etl::view(message.stream);
    const std::string_view json = etl::view(message.json);
    if (mode_ == Mode::kDiscover && message.kind != ETL_MSG_SCHEMA) {
      return refuse("emitted a " + message_kind_name(message.kind) + " during discover(); only SCHEMA belongs there");
    }
    switch (message.kind) {
      case ETL_MSG_SCHEMA: {
        nlohmann::ordered_json parsed;
        if (auto problem = check_schema(message, &parsed)) return refuse(*problem);
        if (stream_index(stream) == SIZE_MAX) streams.emplace_back(stream);
        if (mode_ == Mode::kDiscover) catalog.emplace_back(std::string(stream), std::move(parsed));
        return {};
      }
      case ETL_MSG_RECORD: {
        const size_t index = stream_index(stream);
        if (index == SIZE_MAX) {
          return refuse("emitted a RECORD for stream '" + abbreviate(stream, excerpt::kName) + "' before its SCHEMA");
        }
        if (auto problem = check_record_json(stream, json)) return refuse(*problem);
        const auto parsed = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) {
          return refuse("emitted a RECORD for stream '" + std::string(stream) +
                        "' that is not a valid JSON object: " + abbreviate(json, excerpt::kRecord));
        }
        records.push_back(fnv1a(stream, json));
        record_streams.push_back(static_cast<uint16_t>(std::min<size_t>(index, 65535)));
        return {};
      }
      default:
        if (auto problem = check_state(message)) return refuse(*problem);
        states.push_back(State{records.size(), std::string(json)});
        return {};
    }
  }

  std::string source_name_;
  Mode mode_;
  CancelFlag* cancel_;
  etl_emitter emitter_{};
};

struct SyncRun {
  CallResult result;
  std::unique_ptr<RecordingEmitter> recording;
};

// One sync on a fresh instance. Throws HostError when create() refuses the config.
SyncRun run_sync(const std::shared_ptr<LoadedPlugin>& plugin, const KitContext& context, Logger& logger,
                 const std::string& state, CancelFlag* cancel_after_first_batch = nullptr) {
  CancelFlag own_cancel;
  CancelFlag& cancel = cancel_after_first_batch != nullptr ? *cancel_after_first_batch : own_cancel;
  SourceInstance source(plugin, context.config.json_text, logger, cancel);
  SyncRun run;
  run.recording = std::make_unique<RecordingEmitter>(plugin->name(), RecordingEmitter::Mode::kSync,
                                                     cancel_after_first_batch);
  run.result = source.sync("", state, run.recording->emitter());
  return run;
}

CheckResult refused_config(const std::string& id, const KitContext& context, const HostError& error) {
  return CheckResult::fail(id, "create() refused the config", "create() accepts the config given with --config/--set",
                           context.redact(error.what()),
                           "Pass a working config with --config FILE or --set KEY=VALUE.");
}

std::string count_text(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ---- discover.catalog helpers --------------------------------------------------------------

const std::set<std::string>& known_types() {
  static const std::set<std::string> types{"null", "boolean", "integer", "number", "string", "array", "object"};
  return types;
}

// A JSON Schema node: a "type" that is a known type or an array of them, or a $ref /
// anyOf / oneOf / allOf. Recurses into properties and items. Empty when fine.
std::string check_schema_node(const nlohmann::ordered_json& node, const std::string& where, int depth) {
  if (depth > 64) return {};
  if (!node.is_object()) return where + " is not an object";
  if (node.contains("$ref") || node.contains("anyOf") || node.contains("oneOf") || node.contains("allOf")) return {};
  if (!node.contains("type")) return where + " has no \"type\"";
  const auto& type = node["type"];
  std::vector<std::string> types;
  if (type.is_string()) {
    types.push_back(type.get<std::string>());
  } else if (type.is_array() && !type.empty()) {
    for (const auto& item : type) {
      if (!item.is_string()) return where + " has a \"type\" array with a non-string item";
      types.push_back(item.get<std::string>());
    }
  } else {
    return where + " has a \"type\" that is neither a string nor a non-empty array of strings";
  }
  for (const std::string& name : types) {
    if (known_types().count(name) == 0) return where + " has unknown type \"" + name + "\"";
  }
  if (node.contains("properties")) {
    if (!node["properties"].is_object()) return where + "'s \"properties\" is not an object";
    for (const auto& [key, child] : node["properties"].items()) {
      std::string problem = check_schema_node(child, where + "." + key, depth + 1);
      if (!problem.empty()) return problem;
    }
  }
  if (node.contains("items") && node["items"].is_object() && !node["items"].empty()) {
    std::string problem = check_schema_node(node["items"], where + "[]", depth + 1);
    if (!problem.empty()) return problem;
  }
  return {};
}

std::vector<std::string> check_catalog_entry(const std::string& stream, const nlohmann::ordered_json& entry) {
  std::vector<std::string> problems;
  const std::string at = "stream '" + stream + "'";
  const auto& schema = entry["schema"];
  const auto& type = schema.contains("type") ? schema["type"] : nlohmann::ordered_json();
  const bool object_type = (type.is_string() && type == "object") ||
                           (type.is_array() && std::find(type.begin(), type.end(), "object") != type.end());
  if (!object_type) problems.push_back(at + ": the schema's \"type\" is not \"object\"");
  if (!schema.contains("properties") || !schema["properties"].is_object()) {
    problems.push_back(at + ": the schema has no \"properties\" object");
  } else {
    for (const auto& [key, node] : schema["properties"].items()) {
      const std::string problem = check_schema_node(node, "property '" + key + "'", 1);
      if (!problem.empty()) {
        problems.push_back(at + ": " + problem);
        break;
      }
    }
  }
  if (!entry.contains("key_properties") || !entry["key_properties"].is_array()) {
    problems.push_back(at + ": no \"key_properties\" array");
  } else if (schema.contains("properties") && schema["properties"].is_object()) {
    for (const auto& key : entry["key_properties"]) {
      if (!schema["properties"].contains(key.get<std::string>())) {
        problems.push_back(at + ": key property '" + key.get<std::string>() + "' is not among the schema's properties");
      }
    }
  }
  if (!entry.contains("metadata") || !entry["metadata"].is_array()) {
    problems.push_back(at + ": no \"metadata\" array (Singer catalog metadata)");
  } else {
    bool root = false;
    for (const auto& item : entry["metadata"]) {
      if (!item.is_object() || !item.contains("breadcrumb") || !item["breadcrumb"].is_array() ||
          !item.contains("metadata") || !item["metadata"].is_object()) {
        problems.push_back(at + ": a metadata entry lacks a \"breadcrumb\" array or a \"metadata\" object");
        break;
      }
      if (item["breadcrumb"].empty()) root = true;
    }
    if (!root) problems.push_back(at + ": no metadata entry with \"breadcrumb\": [] (the stream's own metadata)");
  }
  return problems;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// discover.catalog
// ------------------------------------------------------------------------------------------

CheckResult check_discover_catalog(KitContext& context, const std::string& id) {
  if (!context.info.has_discover) return CheckResult::skip(id, "the source has no discover() (no catalog)");
  const KitContext& ctx = context;
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kInfo);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    CancelFlag cancel;
    const auto plugin = load_spied_plugin(ctx);
    RecordingEmitter recording(plugin->name(), RecordingEmitter::Mode::kDiscover);
    CallResult result;
    try {
      SourceInstance source(plugin, ctx.config.json_text, log.logger(), cancel);
      result = source.discover(recording.emitter());
    } catch (const HostError& error) {
      return check_json(refused_config(id, ctx, error));
    }
    if (!recording.violation.empty()) {
      return check_json(CheckResult::fail(id, recording.violation, "discover() emits only SCHEMA messages",
                                          recording.violation,
                                          "Emit one SCHEMA per stream, with \"metadata\", and nothing else."));
    }
    if (result.status == ETL_E_NOT_IMPLEMENTED) {
      return check_json(CheckResult::skip(id, "discover() returned ETL_E_NOT_IMPLEMENTED: the source has no catalog"));
    }
    if (!result.ok()) {
      return check_json(CheckResult::fail(
          id, "discover() failed: " + ctx.redact(result.describe()), "discover() returns ETL_OK with the config given",
          ctx.redact(result.describe()), "Fix what the message says, or pass a working config with --config."));
    }
    std::vector<std::string> problems;
    std::set<std::string> names;
    for (const auto& [stream, entry] : recording.catalog) {
      if (!names.insert(stream).second) problems.push_back("stream '" + stream + "' appears twice");
      for (std::string& problem : check_catalog_entry(stream, entry)) problems.push_back(std::move(problem));
    }
    if (recording.catalog.empty()) problems.emplace_back("discover() returned ETL_OK but emitted no SCHEMA");
    if (problems.empty()) {
      return check_json(
          CheckResult::pass(id, count_text(names.size(), "stream", "streams") + " (" +
                                    abbreviate(join(recording.streams, ", "), excerpt::kJson) +
                                    "): JSON Schemas, key properties and Singer metadata are well-formed"));
    }
    CheckResult fail = CheckResult::fail(
        id, problems.front() + (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : ""),
        "one SCHEMA per stream, unique names [A-Za-z0-9_.-]+, each {\"schema\": {\"type\": \"object\", "
        "\"properties\": {...}}, \"key_properties\": [names of properties], \"metadata\": [{\"breadcrumb\": [], "
        "\"metadata\": {...}}, ...]}; every property with a \"type\" of known JSON Schema types (or $ref/anyOf)",
        "",
        "Make each catalog entry a Singer catalog entry: the format `etlhost discover` prints and Singer taps emit.");
    for (size_t i = 0; i < problems.size() && i < 10; ++i) fail.details.push_back(problems[i]);
    return check_json(fail);
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "discover()");
  return completed_result(id, outcome);
}

// ------------------------------------------------------------------------------------------
// sync.protocol
// ------------------------------------------------------------------------------------------

CheckResult check_sync_protocol(KitContext& context, const std::string& id) {
  const KitContext& ctx = context;
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kInfo);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    const auto plugin = load_spied_plugin(ctx);
    SyncRun run;
    try {
      run = run_sync(plugin, ctx, log.logger(), "");
    } catch (const HostError& error) {
      return check_json(refused_config(id, ctx, error));
    }
    const RecordingEmitter& rec = *run.recording;
    if (!rec.violation.empty()) {
      return check_json(CheckResult::fail(
          id, rec.violation,
          "SCHEMA before a stream's first RECORD; every RECORD one JSON object on one line that parses; every STATE "
          "valid JSON (plugin.h, \"Messages and the emitter\")",
          rec.violation,
          "Emit a stream's SCHEMA first; build record JSON with a JSON library or escape every string (\\n, \\r, "
          "\\\", control characters) and check it parses."));
    }
    if (!run.result.ok()) {
      CheckResult fail = CheckResult::fail(
          id, "sync() failed: " + abbreviate(ctx.redact(run.result.describe()), excerpt::kState),
          "a full sync with your config returns ETL_OK", ctx.redact(run.result.describe()),
          "Fix what the message says, or pass a config that reaches a working upstream with --config.");
      for (const std::string& line : log.last_problems(5)) fail.details.push_back(line);
      return check_json(fail);
    }
    for (const RecordingEmitter::State& state : rec.states) {
      for (const std::string& secret : ctx.config.secrets) {
        if (secret.size() >= 4 && state.json.find(secret) != std::string::npos) {
          return check_json(CheckResult::fail(
              id, "a STATE contains the value of a secret config key", "no secret in a STATE (plugin.h, section 5)",
              "the state text holds a secret config value (not shown)",
              "Keep credentials out of the state: store positions (bookmarks, offsets) only."));
        }
      }
    }
    CheckResult result = CheckResult::pass(id, count_text(rec.records.size(), "record", "records") + " in " +
                                                   count_text(rec.streams.size(), "stream", "streams") + ", " +
                                                   count_text(rec.states.size(), "STATE", "STATEs") +
                                                   "; SCHEMA first, one-line JSON objects");
    if (rec.records.empty()) {
      result.notes.emplace_back("the sync emitted no record, so the other sync checks have little to test; point "
                                "--config at an upstream with data");
    } else if (rec.states.empty()) {
      result.notes.emplace_back("records but no STATE: every run of this source starts from scratch; emit a STATE "
                                "after each complete unit of work so the host can resume");
    }
    return check_json(result);
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "a full sync");
  return completed_result(id, outcome);
}

// ------------------------------------------------------------------------------------------
// sync.resume
// ------------------------------------------------------------------------------------------

namespace {

struct MultisetDiff {
  size_t lost = 0;
  size_t duplicated = 0;
};

MultisetDiff diff_multisets(std::vector<uint64_t> expected, std::vector<uint64_t> actual) {
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  MultisetDiff diff;
  size_t i = 0, j = 0;
  while (i < expected.size() || j < actual.size()) {
    if (j == actual.size() || (i < expected.size() && expected[i] < actual[j])) {
      ++diff.lost;
      ++i;
    } else if (i == expected.size() || actual[j] < expected[i]) {
      ++diff.duplicated;
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
  return diff;
}

}  // namespace

namespace {

// Up to five STATEs of `m`, spread over the run from the first to the last.
std::vector<size_t> resume_points(size_t m) {
  const size_t k = std::min<size_t>(5, m);
  std::vector<size_t> picks;
  for (size_t i = 0; i < k; ++i) {
    const size_t j = k == 1 ? m - 1 : (i * (m - 1) + (k - 1) / 2) / (k - 1);
    if (picks.empty() || picks.back() != j) picks.push_back(j);
  }
  return picks;
}

// Why two full syncs cannot serve as the reference (a SKIP's reason), or "" when they agree.
std::string reference_problem(const SyncRun& first, const SyncRun& second) {
  const RecordingEmitter& full = *first.recording;
  const RecordingEmitter& again = *second.recording;
  std::vector<std::string> state_texts_a, state_texts_b;
  for (const auto& state : full.states) state_texts_a.push_back(state.json);
  for (const auto& state : again.states) state_texts_b.push_back(state.json);
  const MultisetDiff twice = diff_multisets(full.records, again.records);
  if (!second.result.ok() || twice.lost + twice.duplicated > 0 || state_texts_a != state_texts_b) {
    return "the source is not deterministic: two full syncs differed (" + std::to_string(full.records.size()) +
           " and " + std::to_string(again.records.size()) + " records, " + std::to_string(full.states.size()) +
           " and " + std::to_string(again.states.size()) + " STATEs)";
  }
  if (full.states.empty()) return "the full sync emitted no STATE";
  return "";
}

// What a sync resumed from STATE #j+1 of the full sync did wrong ("" when nothing);
// adds the records it was compared on to `checked_records`.
std::string resume_problem(const KitContext& ctx, const RecordingEmitter& full, size_t j, const SyncRun& resumed,
                           size_t& checked_records) {
  const RecordingEmitter::State& state = full.states[j];
  const std::string which = "from STATE #" + std::to_string(j + 1) + " of " + std::to_string(full.states.size()) +
                            " (" + abbreviate(ctx.redact(state.json), excerpt::kJson) + ", after record " +
                            std::to_string(state.records_before) + ")";
  if (!resumed.recording->violation.empty()) return which + ": " + resumed.recording->violation;
  if (!resumed.result.ok()) return which + ": sync() failed: " + ctx.redact(resumed.result.describe());
  const std::vector<uint64_t> expected(full.records.begin() + static_cast<std::ptrdiff_t>(state.records_before),
                                       full.records.end());
  const MultisetDiff diff = diff_multisets(expected, resumed.recording->records);
  checked_records += expected.size();
  if (diff.lost + diff.duplicated == 0) return "";
  return which + ": emitted " + std::to_string(resumed.recording->records.size()) +
         " records where the full sync emitted " + std::to_string(expected.size()) +
         " after that STATE: " + std::to_string(diff.lost) + " lost, " + std::to_string(diff.duplicated) +
         " duplicated";
}

CheckResult resume_verdict(const std::string& id, size_t resumed, size_t states, size_t checked_records,
                           const std::vector<std::string>& problems) {
  if (problems.empty()) {
    return CheckResult::pass(id, "resumed from " + count_text(resumed, "STATE", "STATEs") + " of " +
                                     std::to_string(states) + ": each emitted exactly the records that followed it (" +
                                     std::to_string(checked_records) + " compared)");
  }
  CheckResult fail = CheckResult::fail(
      id, problems.front(),
      "a sync resumed from a STATE emits exactly the records the full sync emitted after that STATE: a STATE "
      "comes only after every record it covers (plugin.h, section 7)",
      count_text(problems.size(), "resumed sync differs:", "resumed syncs differ:"),
      "Emit STATE after the records it covers, never before them or in the middle of a unit of work; on resume, "
      "continue right after the position the state names (lost records: the STATE came too early; duplicated: "
      "the resume starts too early).");
  fail.details = problems;
  return fail;
}

// In the child: two full syncs (the reference), then a sync resumed from each picked STATE.
nlohmann::json sync_resume_body(const KitContext& ctx, const std::string& id) {
  CapturingLogger log(LogLevel::kWarn);
  for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
  const auto plugin = load_spied_plugin(ctx);
  SyncRun first, second;
  try {
    first = run_sync(plugin, ctx, log.logger(), "");
    if (!first.result.ok() || !first.recording->violation.empty()) {
      return check_json(CheckResult::skip(id, "the full sync fails (see sync.protocol)"));
    }
    second = run_sync(plugin, ctx, log.logger(), "");
  } catch (const HostError& error) {
    return check_json(refused_config(id, ctx, error));
  }
  const std::string not_comparable = reference_problem(first, second);
  if (!not_comparable.empty()) return check_json(CheckResult::skip(id, not_comparable));

  const RecordingEmitter& full = *first.recording;
  const std::vector<size_t> picks = resume_points(full.states.size());
  std::vector<std::string> problems;
  size_t checked_records = 0;
  for (const size_t j : picks) {
    SyncRun resumed;
    try {
      resumed = run_sync(plugin, ctx, log.logger(), full.states[j].json);
    } catch (const HostError& error) {
      return check_json(refused_config(id, ctx, error));
    }
    std::string problem = resume_problem(ctx, full, j, resumed, checked_records);
    if (!problem.empty()) problems.push_back(std::move(problem));
  }
  return check_json(resume_verdict(id, picks.size(), full.states.size(), checked_records, problems));
}

}  // namespace

CheckResult check_sync_resume(KitContext& context, const std::string& id) {
  if (context.options.quick) return CheckResult::skip(id, "--quick");
  const KitContext& ctx = context;
  const ChildOutcome outcome = run_check_child(context, id,
                                               [&ctx, id]() -> nlohmann::json { return sync_resume_body(ctx, id); });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "full and resumed syncs");
  return completed_result(id, outcome);
}

// ------------------------------------------------------------------------------------------
// sync.cancellation
// ------------------------------------------------------------------------------------------

CheckResult check_sync_cancellation(KitContext& context, const std::string& id) {
  const KitContext& ctx = context;
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kWarn);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    const auto plugin = load_spied_plugin(ctx);
    CancelFlag cancel;
    SyncRun run;
    try {
      run = run_sync(plugin, ctx, log.logger(), "", &cancel);
    } catch (const HostError& error) {
      return check_json(refused_config(id, ctx, error));
    }
    const RecordingEmitter& rec = *run.recording;
    const double seconds = rec.cancelled ? std::chrono::duration<double>(Clock::now() - rec.cancelled_at).count() : 0.0;
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s", seconds);
    const std::string fix =
        "When emit() returns a failure, stop at once and return that status from sync(); check "
        "host->is_cancelled() while waiting (retry sleeps, rate limits, slow reads) and return ETL_E_CANCELLED.";
    if (!rec.violation.empty()) {
      return check_json(CheckResult::fail(id, rec.violation, "a valid first batch", rec.violation, fix));
    }
    if (!rec.cancelled) {
      return check_json(CheckResult::skip(id, "the sync emitted nothing, so there was nothing to cancel"));
    }
    if (rec.calls_after_cancel > 1) {
      return check_json(CheckResult::fail(
          id,
          "sync() kept calling emit() after it returned ETL_E_CANCELLED (" + std::to_string(rec.calls_after_cancel) +
              " calls)",
          "after emit() returns ETL_E_CANCELLED, the source emits nothing more and returns ETL_E_CANCELLED",
          std::to_string(rec.calls_after_cancel) + " emit() calls after the stop request; sync() returned " +
              status_text(run.result.status),
          fix));
    }
    if (run.result.status == ETL_E_CANCELLED) {
      return check_json(CheckResult::pass(
          id, std::string("sync() returned ETL_E_CANCELLED ") + took + " after the stop request" +
                  (rec.calls_after_cancel == 0 ? " (it noticed is_cancelled() itself)" : ", emitting nothing more")));
    }
    if (run.result.ok() && rec.calls_after_cancel == 0) {
      return check_json(
          CheckResult::skip(id, "the sync emitted everything in its first batch; nothing left to cancel"));
    }
    return check_json(CheckResult::fail(
        id, "sync() returned " + status_text(run.result.status) + " after a stop request",
        "ETL_E_CANCELLED (emit()'s status, passed on) within 10 s of the stop request",
        "sync() returned " + status_text(run.result.status) +
            (run.result.ok() ? std::string(" although emit() had returned ETL_E_CANCELLED (the failure was swallowed)")
                             : ": " + ctx.redact(run.result.message)),
        fix));
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "a sync stopped after its first batch");
  return completed_result(id, outcome);
}

}  // namespace etlhost::conformance
