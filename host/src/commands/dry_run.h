// etlhost run --dry-run: what a run would fetch, from the current state, with nothing moved.
#pragma once

#include "cli.h"
#include "logger.h"

namespace etlhost {

/// Loads both plugins and validates both configs as run does, creates the source (not the
/// sink: a sink may open its output or start a target at create), reads --state without
/// locking or writing it, and asks the source's plan(). Prints the plan to stderr for people
/// and its JSON (plugin.h, etl_source_api.plan) on stdout: no sink data flows, so stdout is free.
int dry_run_command(const Command& command, Logger& logger);

}  // namespace etlhost
