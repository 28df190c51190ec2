// Which of the STATEs the singer sink wrote a managed target has acknowledged.
//
// A Singer target emits a STATE on its stdout once the records before it are loaded, and
// by then it has re-serialized the value (other key order, spacing, number format). So the
// ledger keeps each STATE the sink wrote as parsed JSON, numbered 1, 2, 3... in write
// order, and an emitted value acknowledges the newest written STATE equal to it and every
// STATE before that (a target that loaded a later record loaded the earlier ones).
//
// Threads: wrote() runs on the host's thread, heard() on the sink's reader thread,
// acknowledged() anywhere; acknowledged() never blocks.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace singer {

class StateLedger {
 public:
  /// What an emitted STATE did.
  enum class Heard {
    kAdvanced,  // it acknowledged one or more STATEs not acknowledged before
    kRepeated,  // it repeats the last acknowledged value (targets re-emit their state)
    kUnknown,   // its value matches no STATE written and not yet acknowledged
  };

  /// Records the next STATE the sink wrote (its value as JSON text). Throws
  /// etl::Error(ETL_E_INVALID_DATA) when it is not JSON.
  void wrote(std::string_view value_json);
  /// Matches a STATE value the target emitted (parsed JSON).
  Heard heard(const nlohmann::json& value);

  uint64_t acknowledged() const noexcept { return acknowledged_.load(std::memory_order_acquire); }
  uint64_t written() const;

 private:
  mutable std::mutex mutex_;
  // STATEs written and not yet acknowledged, oldest first, with their numbers; bounded by
  // kMaxUnacknowledgedStates (state_ledger.cpp).
  std::deque<std::pair<uint64_t, nlohmann::json>> pending_;
  nlohmann::json last_acknowledged_;
  uint64_t written_ = 0;
  std::atomic<uint64_t> acknowledged_{0};
};

}  // namespace singer
