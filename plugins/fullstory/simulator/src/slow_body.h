// slow_body.h: response bodies that trickle (--slow-body-bytes-per-second), a slowloris
// server: every byte arrives well within any idle timeout, yet the body takes forever.
#pragma once

#include "exchange.h"
#include "planned_response.h"
#include "sim_context.h"

namespace fssim {

// Sends `planned` completely, at --slow-body-bytes-per-second when that is set (chunked, a
// flush per slice so the bytes really leave), else at full speed.
void send_response(Exchange& exchange, const SimContext& context, const PlannedResponse& planned);

}  // namespace fssim
