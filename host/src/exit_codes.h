// The exit codes of etlhost, one per kind of outcome, so cron jobs and wrappers can tell
// "fix your command line" from "the API is down" from "someone pressed Ctrl-C".
// ETLHOST_EXIT_CODES is the only place they are written: the constants below, the exit-code
// section of `etlhost --help` and run's summary line come from it, and a test compares the
// table in README.md ("## Exit codes") with it.
#pragma once

// X(constant, code, name, meaning): `name` is the short form of a help summary line
// ("5 source failed"); `meaning` is the line of the main help and of README.md.
#define ETLHOST_EXIT_CODES(X)                                                                                   \
  X(kOk, 0, "ok", "ok")                                                                                         \
  /* A bug: an invariant broke, an unexpected exception reached main, or a plugin called exit(). */             \
  X(kInternal, 1, "internal error", "internal error (a bug in etlhost, or a plugin called exit())")             \
  /* The command line is wrong: unknown command or option, missing value, bad number. */                        \
  X(kUsage, 2, "usage", "usage: wrong command line")                                                            \
  /* A config is wrong, or a plugin's create() refused it. */                                                   \
  X(kConfig, 3, "config",                                                                                       \
    "config: unreadable, unknown key, wrong type, missing required key, secret on the command "                 \
    "line, or the plugin refused it")                                                                           \
  /* A plugin could not be found, loaded or validated. */                                                       \
  X(kPluginLoad, 4, "plugin load", "plugin load: not found, not a plugin, wrong ABI, wrong kind")               \
  /* The source failed (or broke the message protocol). */                                                      \
  X(kSourceFailed, 5, "source failed", "the source failed")                                                     \
  /* The sink failed to restore, write, checkpoint or flush. */                                                 \
  X(kSinkFailed, 6, "sink failed", "the sink failed")                                                           \
  /* The state file is unreadable, invalid, locked by another run, or a commit failed. */                       \
  X(kStateFile, 7, "state file", "state file: unreadable, invalid, locked by another run, or a commit failed")  \
  /* `etlhost test-plugin`: at least one conformance check failed. */                                           \
  X(kConformanceFailed, 8, "conformance failed", "test-plugin: conformance checks failed")                      \
  /* The downstream the sink delivers to (a managed Singer target) failed: ETL_E_DOWNSTREAM. */                 \
  X(kTargetFailed, 9, "target failed",                                                                          \
    "the target failed (a managed Singer target exited non-zero, died or stopped reading); state stays at its " \
    "last acknowledged STATE")                                                                                  \
  /* Stopped by SIGINT (128 + 2). */                                                                            \
  X(kInterrupted, 130, "SIGINT", "stopped by SIGINT (state committed up to the last durable STATE)")            \
  /* The consumer downstream closed the pipe (128 + SIGPIPE); not an error, no message. */                      \
  X(kDownstreamClosed, 141, "downstream closed", "the downstream consumer closed the pipe (no error message)")  \
  /* Stopped by SIGTERM (128 + 15). */                                                                          \
  X(kTerminated, 143, "SIGTERM", "stopped by SIGTERM (state committed up to the last durable STATE)")

namespace etlhost {

namespace exit_code {
#define ETLHOST_EXIT_CODE_CONSTANT(constant, code, name, meaning) inline constexpr int constant = code;
ETLHOST_EXIT_CODES(ETLHOST_EXIT_CODE_CONSTANT)
#undef ETLHOST_EXIT_CODE_CONSTANT
}  // namespace exit_code

/// One row of the exit-code table.
struct ExitCodeInfo {
  int code;
  const char* name;
  const char* meaning;
};

#define ETLHOST_EXIT_CODE_ROW(constant, code, name, meaning) ExitCodeInfo{code, name, meaning},
inline constexpr ExitCodeInfo kExitCodeTable[] = {ETLHOST_EXIT_CODES(ETLHOST_EXIT_CODE_ROW)};
#undef ETLHOST_EXIT_CODE_ROW

}  // namespace etlhost
