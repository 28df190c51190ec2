// admin_handlers.h: the simulator's own endpoints (no auth) and the 404 for everything else.
#pragma once

#include "sim_handler.h"

namespace fssim {

// GET /__sim/stats: the counters as JSON.
class StatsHandler final : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) override;
};

// GET /__sim/health: 200 "ok".
class HealthHandler final : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) override;
};

class NotFoundHandler final : public SimHandler {
 public:
  using SimHandler::SimHandler;

 protected:
  void serve(Exchange& exchange) override;
};

}  // namespace fssim
