// The exit codes of etlhost, one per kind of outcome, so cron jobs and wrappers can tell
// "fix your command line" from "the API is down" from "someone pressed Ctrl-C".
// `etlhost --help` prints the same table (see cli.cpp); keep the two in sync.
#pragma once

namespace etlhost::exit_code {

inline constexpr int kOk = 0;
/// A bug in etlhost: an invariant broke or an unexpected exception reached main.
inline constexpr int kInternal = 1;
/// The command line is wrong: unknown command or option, missing value, bad number.
inline constexpr int kUsage = 2;
/// A config is wrong: unreadable file, unknown key, wrong type, missing required key,
/// a secret on the command line, or a plugin's create() refused it.
inline constexpr int kConfig = 3;
/// A plugin could not be found, loaded or validated.
inline constexpr int kPluginLoad = 4;
/// The source failed (or broke the message protocol).
inline constexpr int kSourceFailed = 5;
/// The sink failed to restore, write, checkpoint or flush.
inline constexpr int kSinkFailed = 6;
/// The state file is unreadable, invalid, locked by another run, or a commit failed.
inline constexpr int kStateFile = 7;
/// `etlhost test-plugin`: at least one conformance check failed.
inline constexpr int kConformanceFailed = 8;
/// Stopped by SIGINT (128 + 2).
inline constexpr int kInterrupted = 130;
/// The consumer downstream closed the pipe (128 + SIGPIPE); not an error, no message.
inline constexpr int kDownstreamClosed = 141;
/// Stopped by SIGTERM (128 + 15).
inline constexpr int kTerminated = 143;

}  // namespace etlhost::exit_code
