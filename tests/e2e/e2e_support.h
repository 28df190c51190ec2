// Running the real etlhost binary for end-to-end tests.
#pragma once

#include <string>
#include <vector>

#include "etlhost_bin.h"
#include "files.h"
#include "process.h"

namespace e2e {

using etltest::etlhost_bin;

/// Runs etlhost with `args`, letting it find plugins the way a user's would: next to the
/// binary (ETLHOST_PLUGIN_PATH is removed from its environment).
etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options = {});
/// The options run_etlhost uses, to start an etlhost Process by hand.
etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options = {});

}  // namespace e2e
