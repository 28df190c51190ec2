// The commands. Each returns an exit code (exit_codes.h) and reports expected
// failures by throwing HostError / UsageError, which app.cpp prints.
#pragma once

#include "cli.h"
#include "logger.h"

namespace etlhost {

int run_command(const Command& command, Logger& logger);
int tap_command(const Command& command, Logger& logger);
int check_command(const Command& command, Logger& logger);
int discover_command(const Command& command, Logger& logger);
int plugins_command(const Command& command, Logger& logger);
int describe_command(const Command& command, Logger& logger);
int history_command(const Command& command, Logger& logger);

/// The first argument of the conformance kit's hidden run mode: `etlhost __conformance-run
/// run SOURCE '->' SINK ...` is `etlhost run` with the kit's synthetic source built in.
/// `etlhost test-plugin` itself lives in the kit's library (host/conformance, app.h's KitCommands).
inline constexpr const char* kConformanceRunArgument = "__conformance-run";

}  // namespace etlhost
