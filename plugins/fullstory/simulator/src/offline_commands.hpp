// offline_commands.hpp: --write-bundle, --dump-events, --dump-bundles (no server).
#pragma once

#include "options.hpp"

namespace fssim {

// Runs options.offline. Throws UsageError for an unknown bundle id.
void run_offline_command(const SimOptions& options);

}  // namespace fssim
