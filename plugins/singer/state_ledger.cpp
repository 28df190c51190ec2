#include "state_ledger.h"

#include <string>

#include "etlhost/plugin.hpp"

namespace singer {

namespace {
// How many unacknowledged STATE values the ledger keeps. A target that acknowledges
// nothing for a long run must not grow memory without end; when full, the oldest value
// is dropped. That is safe: a later STATE's acknowledgement covers the dropped one too, and
// only a target that echoes exactly the dropped value goes unheard (a WARN).
constexpr size_t kMaxUnacknowledgedStates = 10000;
}  // namespace

void StateLedger::wrote(std::string_view value_json) {
  auto value = nlohmann::json::parse(value_json.begin(), value_json.end(), nullptr, false);
  if (value.is_discarded()) {
    throw etl::Error(ETL_E_INVALID_DATA,
                     "STATE: expected a JSON value, found '" + std::string(value_json.substr(0, 80)) + "'");
  }
  const std::lock_guard lock(mutex_);
  if (pending_.size() == kMaxUnacknowledgedStates) pending_.pop_front();
  pending_.emplace_back(++written_, std::move(value));
}

StateLedger::Heard StateLedger::heard(const nlohmann::json& value) {
  const std::lock_guard lock(mutex_);
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    if (it->second != value) continue;
    acknowledged_.store(it->first, std::memory_order_release);
    last_acknowledged_ = std::move(it->second);
    pending_.erase(pending_.begin(), it.base());
    return Heard::kAdvanced;
  }
  if (acknowledged_.load(std::memory_order_relaxed) > 0 && value == last_acknowledged_) return Heard::kRepeated;
  return Heard::kUnknown;
}

uint64_t StateLedger::written() const {
  const std::lock_guard lock(mutex_);
  return written_;
}

}  // namespace singer
