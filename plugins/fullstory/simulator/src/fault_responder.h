// fault_responder.h: answering a request with an injected fault instead of its response.
#pragma once

#include "exchange.h"
#include "fault_plan.h"
#include "planned_response.h"
#include "sim_context.h"

namespace fssim {

// `planned` is what the request would have got; truncate, stall and malformed send (a
// damaged version of) its bytes with its headers.
void respond_with_fault(Exchange& exchange, const SimContext& context, const Fault& fault, Endpoint endpoint,
                        const PlannedResponse& planned);

}  // namespace fssim
