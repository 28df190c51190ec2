// The one exception type the host's own code throws for an expected failure: it carries
// the exit code and a message meant for the user. Exceptions never cross the plugin
// boundary: every callback the host hands to a plugin catches everything.
#pragma once

#include <stdexcept>
#include <string>

namespace etlhost {

class HostError : public std::runtime_error {
 public:
  HostError(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

/// A wrong command line (exit 2). Printed without a log prefix, followed by a usage hint.
class UsageError : public std::runtime_error {
 public:
  UsageError(const std::string& message, std::string command = {})
      : std::runtime_error(message), command_(std::move(command)) {}
  /// The command whose help the hint points at ("run"), or empty for the main help.
  const std::string& command() const noexcept { return command_; }

 private:
  std::string command_;
};

}  // namespace etlhost
