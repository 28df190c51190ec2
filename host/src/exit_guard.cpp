#include "exit_guard.h"

#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "exit_codes.h"
#include "logger.h"

namespace etlhost {

void report_unexpected_exit(int status);  // the friend of ExitGuard that on_exit calls

namespace {

// The call etlhost is in, and who is inside it. Plain pointers to strings that outlive the
// call (the plugin's name or path, a literal), so reading it never allocates or copies.
struct CallMark {
  const std::string* plugin = nullptr;  // null: between plugin calls
  const char* call = nullptr;
  PluginCallSubject subject = PluginCallSubject::kName;
  std::thread::id thread;
};

// One lock for everything below. The exit handler takes it and never gives it back: the
// process ends in that handler, so no commit (ExitDeferral) and no disarm can follow.
std::mutex g_mutex;
ExitGuard* g_guard = nullptr;  // non-null while armed
CallMark g_mark;
bool g_handler_registered = false;

std::string describe_exit(int status, const CallMark& mark) {
  const std::string exit_call = "exit(" + std::to_string(status) + ")";
  if (mark.plugin == nullptr) {
    return exit_call + " was called while etlhost was between plugin calls (by a plugin's own thread?)";
  }
  const std::string plugin = mark.subject == PluginCallSubject::kFile ? "plugin file " + *mark.plugin
                                                                      : "plugin '" + *mark.plugin + "'";
  if (mark.thread == std::this_thread::get_id()) return plugin + " called " + exit_call + " inside " + mark.call;
  return exit_call + " was called by another thread (a plugin's own?) while etlhost was inside " + mark.call + " of " +
         plugin;
}

// Registered with on_exit (glibc), which, unlike atexit, passes the status given to exit().
void on_process_exit(int status, void* /*unused*/) { report_unexpected_exit(status); }

}  // namespace

void report_unexpected_exit(int status) {
  g_mutex.lock();
  if (g_guard == nullptr) {  // not armed: etlhost's own way out
    g_mutex.unlock();
    return;
  }
  try {
    g_guard->report_(describe_exit(status, g_mark));
  } catch (...) {
    // Out of memory while formatting: the exit code still tells.
  }
  // _exit: no further exit handlers or static destructors run in a process a plugin
  // abandoned mid-call, and stdio buffers past the last commit are not flushed either.
  ::_exit(g_guard->exit_code_);
}

ExitGuard::ExitGuard(Logger& logger)
    : ExitGuard(
          [&logger](const std::string& what) {
            logger.error(what + "; etlhost stops with exit " + std::to_string(exit_code::kInternal) +
                         ": nothing after the last commit was committed. A plugin must return an error status, "
                         "never call exit() (plugin.h, section 5).");
          },
          exit_code::kInternal) {}

ExitGuard::ExitGuard(Report report, int exit_code) : report_(std::move(report)), exit_code_(exit_code) {
  const std::lock_guard lock(g_mutex);
  if (!g_handler_registered) g_handler_registered = ::on_exit(on_process_exit, nullptr) == 0;
  outer_ = g_guard;
  g_guard = this;
}

ExitGuard::~ExitGuard() {
  const std::lock_guard lock(g_mutex);
  g_guard = outer_;
}

PluginCallScope::PluginCallScope(const std::string& plugin, const char* call, PluginCallSubject subject) {
  const std::lock_guard lock(g_mutex);
  saved_plugin_ = g_mark.plugin;
  saved_call_ = g_mark.call;
  saved_subject_ = g_mark.subject;
  saved_thread_ = g_mark.thread;
  g_mark = CallMark{&plugin, call, subject, std::this_thread::get_id()};
}

PluginCallScope::~PluginCallScope() {
  const std::lock_guard lock(g_mutex);
  g_mark = CallMark{saved_plugin_, saved_call_, saved_subject_, saved_thread_};
}

ExitDeferral::ExitDeferral() { g_mutex.lock(); }

ExitDeferral::~ExitDeferral() { g_mutex.unlock(); }

}  // namespace etlhost
