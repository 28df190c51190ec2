// sim_context.h: the state every request handler shares.
#pragma once

#include "bundle_cache.h"
#include "bundle_catalog.h"
#include "event_generator.h"
#include "export_body.h"
#include "export_registry.h"
#include "fault_plan.h"
#include "options.h"
#include "rate_limiter.h"
#include "shutdown_signal.h"
#include "signed_url.h"
#include "sim_stats.h"

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
  // Segment Export API.
  RateLimiter& api_rate_limiter;
  ExportRegistry& exports;
  ExportBodyCache& export_bodies;
  const UrlSigner& signer;
};

}  // namespace fssim
