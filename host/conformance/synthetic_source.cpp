#include "conformance/synthetic_source.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "etlhost/plugin.hpp"

namespace etlhost::conformance {

namespace {

// 2026-01-01T00:00:00Z: a fixed extraction time keeps every sink's output deterministic.
constexpr int64_t kTimeExtractedMs = 1767225600000;

const char* const kSchemas[kSyntheticStreamCount] = {
    R"({"schema":{"type":"object","properties":{"id":{"type":"integer"},"uid":{"type":"string"},)"
    R"("name":{"type":"string"},"note":{"type":["null","string"]},"big":{"type":"integer"},)"
    R"("vip":{"type":"boolean"},"tags":{"type":"array","items":{"type":"string"}},)"
    R"("address":{"type":"object","properties":{"city":{"type":"string"},)"
    R"("lines":{"type":"array","items":{"type":"string"}}}}}},"key_properties":["id"],"bookmark_properties":[]})",
    R"({"schema":{"type":"object","properties":{"id":{"type":"integer"},"uid":{"type":"string"},)"
    R"("customer_id":{"type":"integer"},"amount":{"type":"number"},"currency":{"type":"string"},)"
    R"("items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},)"
    R"("qty":{"type":["null","integer"]}}}},"created_at":{"type":"string","format":"date-time"}}},)"
    R"("key_properties":["id"],"bookmark_properties":[]})",
    R"({"schema":{"type":"object","properties":{"id":{"type":"integer"},"uid":{"type":"string"},)"
    R"("payload":{"type":"object"},"empty_obj":{"type":"object"},"empty_arr":{"type":"array"},)"
    R"("flag":{"type":["null","boolean"]}}},"key_properties":["id"],"bookmark_properties":[]})"};

// JSON string literals (quotes included) that break naive writers.
const char* const kNames[] = {
    R"("plain")",
    R"("comma, inside")",
    R"("quote \"inside\" and 'single'")",
    R"("line\nbreak and\r\ncrlf")",
    R"("café € 🎉 日本語")",
    R"("caf\u00e9 escaped \u20ac \ud83c\udf89")",
    R"("")",
    R"("tab\there, back\\slash")",
    R"("  padded  ")",
    R"("=1+2 looks like a formula")",
    R"("line\u2028separator and \u0001 control")",
};
const char* const kBig[] = {
    "9007199254740993", "-9223372036854775808", "18446744073709551616", "123456789012345678901234567890", "0", "-1"};
const char* const kAmounts[] = {"12.50", "0.1", "1e-7", "-0.0", "1E+21", "3.141592653589793238462643383279"};

template <size_t N>
const char* pick(const char* const (&list)[N], int64_t i) {
  return list[static_cast<size_t>(i) % N];
}

std::string record_json(size_t stream, int64_t id) {
  const std::string token = record_token(stream, id);
  const std::string n = std::to_string(id);
  std::string out = "{\"id\":" + n + ",\"uid\":\"" + token + "\"";
  switch (stream) {
    case 0:
      out += std::string(",\"name\":") + pick(kNames, id);
      if (id % 5 == 0) {
        out += ",\"note\":null";
      } else if (id % 7 != 3) {  // id % 7 == 3: the key is missing
        out += ",\"note\":\"note " + n + "\"";
      }
      out += std::string(",\"big\":") + pick(kBig, id);
      out += std::string(",\"vip\":") + (id % 3 == 0 ? "true" : "false");
      out += ",\"tags\":[\"t" + std::to_string(id % 5) + "\",\"all\"]";
      out += ",\"address\":{\"city\":\"City " + n + "\",\"lines\":[\"1 Main St\",\"Apt \\\"" + n + "\\\"\"]}";
      break;
    case 1: {
      char created[32];
      std::snprintf(created, sizeof created, "2026-01-%02dT%02d:%02d:00Z", static_cast<int>(id % 28) + 1,
                    static_cast<int>(id % 24), static_cast<int>(id % 60));
      out += ",\"customer_id\":" + std::to_string(id / 2);
      out += std::string(",\"amount\":") + pick(kAmounts, id);
      out += ",\"currency\":\"EUR\"";
      out += ",\"items\":[{\"sku\":\"A-" + n + "\",\"qty\":2},{\"sku\":\"B,\\\"x\\\"\",\"qty\":null}]";
      out += std::string(",\"created_at\":\"") + created + "\"";
      break;
    }
    default:
      out += ",\"payload\":{\"level1\":{\"level2\":{\"level3\":[1,\"two\",3.0,null,true,{\"k\":\"v\"}]}},\"n\":" + n +
             "}";
      out += ",\"empty_obj\":{},\"empty_arr\":[]";
      out += std::string(",\"flag\":") + (id % 3 == 0 ? "true" : id % 3 == 1 ? "false" : "null");
      if (id % 4 == 1) out += ",\"surprise\":\"undeclared " + n + "\"";
      break;
  }
  return out + "}";
}

std::string state_json(const StreamPositions& done) {
  const auto& names = synthetic_streams();
  std::string out = "{";
  for (size_t s = 0; s < kSyntheticStreamCount; ++s) {
    if (s > 0) out += ",";
    out += "\"" + names[s] + "\":" + std::to_string(done[s]);
  }
  return out + "}";
}

void start_kill_timer(int64_t delay_us) {
  std::thread([delay_us] {
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    ::kill(::getpid(), SIGKILL);
  }).detach();
}

class SyntheticSource final : public etl::Source {
 public:
  SyntheticSource(const etl::Host& host, const etl::Config& config) : host_(host) {
    config_.records = config.integer_in("records", 0, 999999);
    config_.batch = config.integer_in("batch", 1, 100000);
    config_.state_every = config.integer_in("state_every", 1, 100000000);
    config_.stop_after_states = config.integer_in("stop_after_states", -1, 100000000);
    config_.kill_at_batch = config.integer_in("kill_at_batch", -1, 100000000);
    config_.kill_delay_us = config.integer_in("kill_delay_us", 0, 60000000);
    if (config_.kill_at_batch == 0) start_kill_timer(config_.kill_delay_us);
  }

  void discover(etl::Emitter& out) override {
    static const std::string kMetadata =
        R"(,"metadata":[{"breadcrumb":[],"metadata":{"inclusion":"available","selected-by-default":true,)"
        R"("table-key-properties":["id"],"forced-replication-method":"INCREMENTAL","valid-replication-keys":["id"]}}]})";
    for (size_t s = 0; s < kSyntheticStreamCount; ++s) {
      std::string entry(kSchemas[s]);
      entry.pop_back();
      out.schema(synthetic_streams()[s], entry + kMetadata);
    }
  }

  void sync(const etl::SyncRequest& request, etl::Emitter& out) override {
    const StreamPositions done = parse_state(request.state_json());
    int64_t batch_number = 0;
    int64_t states = 0;
    bool batch_open = false;
    for (const PlanItem& item : synthetic_plan(config_, done)) {
      if (!batch_open) {
        batch_open = true;
        if (++batch_number == config_.kill_at_batch) start_kill_timer(config_.kill_delay_us);
      }
      switch (item.kind) {
        case ETL_MSG_SCHEMA: out.schema(synthetic_streams()[item.stream], item.json); break;
        case ETL_MSG_RECORD: out.record(synthetic_streams()[item.stream], item.json, kTimeExtractedMs); break;
        default: out.state(item.json); break;  // sends the batch
      }
      if (item.ends_batch) {
        out.flush();
        batch_open = false;
        if (item.kind == ETL_MSG_STATE && ++states == config_.stop_after_states) return;
      }
    }
    out.flush();
    host_.debug("synthetic source: sync finished");
  }

 private:
  static StreamPositions parse_state(std::string_view text) {
    StreamPositions done{};
    if (text.empty()) return done;
    const auto state = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!state.is_object()) throw etl::Error(ETL_E_INVALID_STATE, "synthetic source: the state is not an object");
    for (size_t s = 0; s < kSyntheticStreamCount; ++s) {
      const auto it = state.find(synthetic_streams()[s]);
      if (it == state.end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
        throw etl::Error(ETL_E_INVALID_STATE,
                         "synthetic source: the state lacks a count for " + synthetic_streams()[s]);
      }
      done[s] = it->get<int64_t>();
    }
    return done;
  }

  etl::Host host_;
  SyntheticConfig config_;
};

constexpr etl_config_field kFields[] = {
    etl::field(ETL_CONFIG_INTEGER, "records", "Records per stream.", "300"),
    etl::field(ETL_CONFIG_INTEGER, "batch", "Records per emit() call.", "40"),
    etl::field(ETL_CONFIG_INTEGER, "state_every", "Records (all streams) between STATEs.", "100"),
    etl::field(ETL_CONFIG_INTEGER, "stop_after_states", "Return after this many STATEs (-1: never).", "-1"),
    etl::field(ETL_CONFIG_INTEGER, "kill_at_batch",
               "SIGKILL this process kill_delay_us after batch N starts (0: after create; -1: never).", "-1"),
    etl::field(ETL_CONFIG_INTEGER, "kill_delay_us", "See kill_at_batch.", "0"),
};

}  // namespace

const std::array<std::string, kSyntheticStreamCount>& synthetic_streams() {
  static const std::array<std::string, kSyntheticStreamCount> names{"kit_people", "kit_orders", "kit_oddities"};
  return names;
}

const etl_plugin* synthetic_source_descriptor() {
  static constexpr auto fields = etl::detail::pointers_to(kFields);
  static constexpr etl_source_api api = {ETL_STRUCT_SIZE(etl_source_api),
                                         &etl::detail::create<SyntheticSource>,
                                         &etl::detail::SourceCallbacks<SyntheticSource>::discover,
                                         &etl::detail::SourceCallbacks<SyntheticSource>::sync,
                                         &etl::detail::destroy<SyntheticSource>,
                                         &etl::detail::SourceCallbacks<SyntheticSource>::check,
                                         &etl::detail::SourceCallbacks<SyntheticSource>::identity,
                                         &etl::detail::SourceCallbacks<SyntheticSource>::plan};
  static constexpr etl_plugin plugin = {ETL_STRUCT_SIZE(etl_plugin),
                                        ETL_ABI_VERSION,
                                        ETL_KIND_SOURCE,
                                        kSyntheticSourceName,
                                        "1.0.0",
                                        "The conformance kit's synthetic source (hard values, periodic STATE).",
                                        fields.data(),
                                        fields.size(),
                                        &api,
                                        nullptr};
  return &plugin;
}

std::string SyntheticConfig::json() const {
  return "{\"records\":" + std::to_string(records) + ",\"batch\":" + std::to_string(batch) +
         ",\"state_every\":" + std::to_string(state_every) +
         ",\"stop_after_states\":" + std::to_string(stop_after_states) +
         ",\"kill_at_batch\":" + std::to_string(kill_at_batch) + ",\"kill_delay_us\":" + std::to_string(kill_delay_us) +
         "}";
}

std::vector<std::string> SyntheticConfig::set_arguments() const {
  return {"--set", "source.records=" + std::to_string(records),
          "--set", "source.batch=" + std::to_string(batch),
          "--set", "source.state_every=" + std::to_string(state_every),
          "--set", "source.stop_after_states=" + std::to_string(stop_after_states),
          "--set", "source.kill_at_batch=" + std::to_string(kill_at_batch),
          "--set", "source.kill_delay_us=" + std::to_string(kill_delay_us)};
}

std::vector<PlanItem> synthetic_plan(const SyntheticConfig& config, const StreamPositions& start) {
  std::vector<PlanItem> plan;
  for (size_t s = 0; s < kSyntheticStreamCount; ++s) plan.push_back(PlanItem{ETL_MSG_SCHEMA, s, 0, kSchemas[s], false});
  StreamPositions done = start;
  int64_t total = 0;
  for (int64_t d : done) total += d;
  const auto remaining = [&] {
    for (size_t s = 0; s < kSyntheticStreamCount; ++s) {
      if (done[s] < config.records) return true;
    }
    return false;
  };
  // Batch by batch: the stream with the fewest records so far, up to `batch` records or
  // the next STATE point. Everything depends only on `done`, so a sync resumed from a
  // STATE emits exactly the rest of a full run.
  while (remaining()) {
    size_t s = kSyntheticStreamCount;
    for (size_t candidate = 0; candidate < kSyntheticStreamCount; ++candidate) {
      if (done[candidate] < config.records && (s == kSyntheticStreamCount || done[candidate] < done[s])) s = candidate;
    }
    bool state_point = false;
    for (int64_t n = 0; n < config.batch && done[s] < config.records && !state_point; ++n) {
      ++done[s];
      ++total;
      plan.push_back(PlanItem{ETL_MSG_RECORD, s, done[s], record_json(s, done[s]), false});
      state_point = total % config.state_every == 0;
    }
    if (state_point || !remaining()) plan.push_back(PlanItem{ETL_MSG_STATE, 0, 0, state_json(done), false});
    plan.back().ends_batch = true;
  }
  plan.back().ends_batch = true;
  return plan;
}

size_t synthetic_batch_count(const SyntheticConfig& config) {
  size_t batches = 0;
  for (const PlanItem& item : synthetic_plan(config, StreamPositions{})) batches += item.ends_batch ? 1 : 0;
  return batches;
}

std::string record_token(size_t stream, int64_t id) {
  char text[32];
  std::snprintf(text, sizeof text, "kitrec_%zu_%06lld", stream, static_cast<long long>(id));
  return text;
}

void count_record_tokens(std::string_view text, std::map<std::string, int64_t>* counts) {
  static constexpr std::string_view kPrefix = "kitrec_";
  constexpr size_t kLength = 7 + 1 + 1 + 6;  // kitrec_ S _ NNNNNN
  size_t pos = 0;
  while ((pos = text.find(kPrefix, pos)) != std::string_view::npos) {
    if (pos + kLength <= text.size()) {
      const std::string_view token = text.substr(pos, kLength);
      bool shaped = token[8] == '_' && token[7] >= '0' && token[7] <= '9';
      for (size_t i = 9; i < kLength && shaped; ++i) shaped = token[i] >= '0' && token[i] <= '9';
      if (shaped) ++(*counts)[std::string(token)];
    }
    pos += kPrefix.size();
  }
}

}  // namespace etlhost::conformance
