#include "host_services.h"

#include <string_view>

#include "etlhost/plugin.hpp"

namespace etlhost {

namespace {

// A service must never throw into the plugin: anything that fails here is dropped.
template <class Body>
void guarded_service(void* ctx, Body&& body) noexcept {
  if (ctx == nullptr) return;
  try {
    body(*static_cast<HostServices*>(ctx));
  } catch (...) {
    // Out of memory for a progress detail: drop it, never the run.
  }
}

}  // namespace

HostServices::HostServices(std::string plugin_name, Logger& logger, const CancelFlag& cancel)
    : plugin_name_(std::move(plugin_name)), logger_(logger), cancel_(cancel) {
  api_.struct_size = ETL_STRUCT_SIZE(etl_host_api);
  api_.abi_version = ETL_ABI_VERSION;
  api_.host_ctx = this;
  api_.log = &HostServices::log_service;
  api_.is_cancelled = &HostServices::is_cancelled_service;
  api_.count = &HostServices::count_service;
  api_.plan = &HostServices::plan_service;
  api_.activity = &HostServices::activity_service;
  api_.report_unit = &HostServices::report_unit_service;
}

std::vector<std::pair<std::string, int64_t>> HostServices::counters() const {
  std::lock_guard lock(counters_mutex_);
  return {counters_.begin(), counters_.end()};
}

void HostServices::log_service(void* ctx, int32_t level, etl_str message) noexcept {
  if (ctx == nullptr) return;
  auto* self = static_cast<HostServices*>(ctx);
  // Out-of-range levels are clamped rather than dropped: a message is better seen.
  LogLevel mapped = LogLevel::kInfo;
  if (level <= ETL_LOG_ERROR) mapped = LogLevel::kError;
  else if (level == ETL_LOG_WARN) mapped = LogLevel::kWarn;
  else if (level == ETL_LOG_INFO) mapped = LogLevel::kInfo;
  else mapped = LogLevel::kDebug;
  self->logger_.log(mapped, self->plugin_name_, etl::view(message));
}

int32_t HostServices::is_cancelled_service(void* ctx) noexcept {
  if (ctx == nullptr) return 0;
  return static_cast<HostServices*>(ctx)->cancel_.requested() ? 1 : 0;
}

void HostServices::count_service(void* ctx, etl_str counter, int64_t delta) noexcept {
  if (ctx == nullptr || counter.data == nullptr || counter.size == 0 || counter.size > kMaxCounterNameLength) {
    return;
  }
  auto* self = static_cast<HostServices*>(ctx);
  const std::string_view name = etl::view(counter);
  try {
    std::lock_guard lock(self->counters_mutex_);
    auto it = self->counters_.find(name);
    if (it == self->counters_.end()) {
      if (self->counters_.size() >= kMaxCountersPerPlugin) return;
      it = self->counters_.emplace(std::string(name), 0).first;
    }
    it->second += delta;
  } catch (...) {
    // Out of memory for a counter name: drop the count, never the run.
  }
}

void HostServices::plan_service(void* ctx, etl_str counter, int64_t total, int64_t min_ms_per_unit) noexcept {
  if (counter.data == nullptr || counter.size > kMaxCounterNameLength) return;  // as count()
  guarded_service(ctx, [&](HostServices& self) { self.work_.plan(etl::view(counter), total, min_ms_per_unit); });
}

void HostServices::activity_service(void* ctx, uint32_t activity, etl_str what, int64_t until_ms) noexcept {
  if (what.data == nullptr && what.size > 0) return;
  guarded_service(ctx, [&](HostServices& self) { self.work_.activity(activity, etl::view(what), until_ms); });
}

void HostServices::report_unit_service(void* ctx, etl_str unit_json) noexcept {
  if (unit_json.data == nullptr) return;
  guarded_service(ctx, [&](HostServices& self) { self.work_.report_unit(etl::view(unit_json)); });
}

}  // namespace etlhost
