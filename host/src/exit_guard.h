// Plugins must never end the process (plugin.h, section 5), but one that calls exit() would
// otherwise make etlhost exit with the plugin's code, 0 included: a cron job would see
// success although nothing moved. While an ExitGuard is armed, an exit() that etlhost did not
// make itself ends the process with exit 1 and a message naming the plugin and the call
// etlhost was in ("plugin 'x' called exit(0) inside sync()"). _exit() and signals bypass
// exit handlers and are not caught here (a signal is never silent: the exit code says it).
#pragma once

#include <functional>
#include <string>
#include <thread>

namespace etlhost {

class Logger;

/// Arms the guard for its lifetime (an inner guard replaces the outer one until it ends).
/// main_entry holds one around every command that calls plugin code itself, so returning
/// from main (etlhost's own, only way out) never trips it. Destroying it waits for an exit
/// already being reported, which then ends the process.
class ExitGuard {
 public:
  /// Receives what happened ("plugin 'x' called exit(0) inside sync()"); then the process
  /// ends with `exit_code`. Runs inside exit(): it must not throw or call exit().
  using Report = std::function<void(const std::string& what)>;

  /// The host's guard: logs what happened and that etlhost stops with exit 1.
  explicit ExitGuard(Logger& logger);
  ExitGuard(Report report, int exit_code);
  ~ExitGuard();
  ExitGuard(const ExitGuard&) = delete;
  ExitGuard& operator=(const ExitGuard&) = delete;

 private:
  friend void report_unexpected_exit(int status);
  Report report_;
  int exit_code_;
  ExitGuard* outer_;
};

/// How a PluginCallScope names the plugin: by descriptor name, or by file while it loads.
enum class PluginCallSubject { kName, kFile };

/// Marks "etlhost is inside `call` of this plugin" for the guard's message, from the
/// calling thread; nested calls (sync() -> emit -> write()) put the outer call back.
/// `plugin` (a name or a path) and `call` ("sync()", a literal) must outlive the scope.
class PluginCallScope {
 public:
  PluginCallScope(const std::string& plugin, const char* call, PluginCallSubject subject = PluginCallSubject::kName);
  ~PluginCallScope();
  PluginCallScope(const PluginCallScope&) = delete;
  PluginCallScope& operator=(const PluginCallScope&) = delete;

 private:
  const std::string* saved_plugin_;
  const char* saved_call_;
  PluginCallSubject saved_subject_;
  std::thread::id saved_thread_;
};

/// Held around a state commit: an exit() from a plugin's own thread waits until the commit
/// is done, and once the guard is reporting an exit no commit starts (the process ends).
class ExitDeferral {
 public:
  ExitDeferral();
  ~ExitDeferral();
  ExitDeferral(const ExitDeferral&) = delete;
  ExitDeferral& operator=(const ExitDeferral&) = delete;
};

}  // namespace etlhost
