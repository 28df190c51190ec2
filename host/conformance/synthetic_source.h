// The conformance kit's synthetic source: drives sinks under test with deterministic data
// that is hard to write correctly (quotes, commas, CR/LF, UTF-8, nested objects and
// arrays, big integers, nulls, missing and undeclared keys) and a STATE every
// `state_every` records. Compiled into the host; reachable by name only in the kit's
// children and in its hidden run mode (`etlhost __conformance-run run ...`).
//
// Every record carries a unique token "uid":"kitrec_<stream>_<6-digit id>", so the kit
// can count which records reached a sink's output, whatever its format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/plugin.h"

namespace etlhost::conformance {

inline constexpr const char* kSyntheticSourceName = "etlhost-conformance-source";
inline constexpr size_t kSyntheticStreamCount = 3;

/// The stream names: kit_people, kit_orders, kit_oddities.
const std::array<std::string, kSyntheticStreamCount>& synthetic_streams();

/// The descriptor (static), for LoadedPlugin::from_descriptor / register_builtin_plugin.
const etl_plugin* synthetic_source_descriptor();

struct SyntheticConfig {
  int64_t records = 300;           // per stream
  int64_t batch = 40;              // records per emit()
  int64_t state_every = 100;       // records (all streams) between STATEs
  int64_t stop_after_states = -1;  // return after this many STATEs in one sync (-1: never)
  int64_t kill_at_batch = -1;      // SIGKILL itself: 0 = timer from create(), k = from batch k
  int64_t kill_delay_us = 0;       // ... after this many microseconds

  /// The config object as JSON text (what create() takes).
  std::string json() const;
  /// `--set source.KEY=VALUE` arguments for `etlhost run`.
  std::vector<std::string> set_arguments() const;
};

struct PlanItem {
  uint32_t kind = ETL_MSG_RECORD;
  size_t stream = 0;  // RECORD, SCHEMA
  int64_t id = 0;     // RECORD
  std::string json;
  bool ends_batch = false;
};

using StreamPositions = std::array<int64_t, kSyntheticStreamCount>;

/// Exactly what a sync resumed from `done` emits (all zero: a first run), in order, with
/// the batch boundaries. stop_after_states and the kill settings are not applied.
std::vector<PlanItem> synthetic_plan(const SyntheticConfig& config, const StreamPositions& done);

/// The number of emit() calls of a full run.
size_t synthetic_batch_count(const SyntheticConfig& config);

/// "kitrec_1_000042".
std::string record_token(size_t stream, int64_t id);

/// How often each record token occurs in `text`.
void count_record_tokens(std::string_view text, std::map<std::string, int64_t>* counts);

}  // namespace etlhost::conformance
