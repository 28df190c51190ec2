// The whole program behind main(): parse, dispatch, report. Kept in the core library so
// main.cpp stays a one-liner.
#pragma once

#include <string>

#include "cli.h"
#include "logger.h"

namespace etlhost {

/// What the conformance kit adds to the command line. The kit is a library above the core
/// (host/conformance, conformance/commands.h), so the executable hands these in and the
/// core neither includes nor links it.
struct KitCommands {
  /// `etlhost test-plugin PLUGIN ...`.
  int (*test_plugin)(const Command& command, Logger& logger) = nullptr;
  /// Prepares the hidden run mode (kConformanceRunArgument): registers the kit's synthetic
  /// source, and the wrapped sink when crash injection asks for one.
  void (*enable_synthetic_source)() = nullptr;
  /// The check list of `etlhost test-plugin --help`, from the kit's check table.
  std::string (*checks_help)() = nullptr;
};

/// Runs etlhost with the process's arguments; returns the exit code.
int main_entry(int argc, char** argv, const KitCommands& kit);

}  // namespace etlhost
