// offline_commands.h: --write-bundle, --dump-events, --dump-bundles (no server).
#pragma once

#include "options.h"

namespace fssim {

// Runs options.offline. Throws UsageError for an unknown bundle id.
void run_offline_command(const SimOptions& options);

}  // namespace fssim
