// The four commands. Each returns an exit code (exit_codes.h) and reports expected
// failures by throwing HostError / UsageError, which app.cpp prints.
#pragma once

#include "cli.h"
#include "logger.h"

namespace etlhost {

int run_command(const Command& command, Logger& logger);
int discover_command(const Command& command, Logger& logger);
int plugins_command(const Command& command, Logger& logger);
int describe_command(const Command& command, Logger& logger);

}  // namespace etlhost
