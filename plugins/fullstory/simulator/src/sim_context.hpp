// sim_context.hpp: the state every request handler shares.
#pragma once

#include "bundle_cache.hpp"
#include "bundle_catalog.hpp"
#include "event_generator.hpp"
#include "fault_plan.hpp"
#include "options.hpp"
#include "rate_limiter.hpp"
#include "shutdown_signal.hpp"
#include "sim_stats.hpp"

namespace fssim {

struct SimContext {
  const SimOptions& options;
  const BundleCatalog& catalog;
  const EventGenerator& generator;
  const BundleCache* cache;  // null without --cache-dir
  RateLimiter& rate_limiter;
  FaultPlan& faults;
  SimStats& stats;
  ShutdownSignal& shutdown;
};

}  // namespace fssim
