// fault_responder.hpp: answering a request with an injected fault instead of its response.
#pragma once

#include "exchange.hpp"
#include "fault_plan.hpp"
#include "planned_response.hpp"
#include "sim_context.hpp"

namespace fssim {

// `planned` is what the request would have got; truncate, stall and malformed send (a
// damaged version of) its bytes with its headers.
void respond_with_fault(Exchange& exchange, const SimContext& context, const Fault& fault, Endpoint endpoint,
                        const PlannedResponse& planned);

}  // namespace fssim
