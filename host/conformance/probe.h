// What a plugin could change about the process it is loaded into: threads, open files,
// signal handlers, cwd, umask, locale, environment, stdout/stderr output. Snapshots taken
// before and after a call are compared by entry.no_side_effects and create_destroy.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace etlhost::conformance {

struct ProcessSnapshot {
  size_t threads = 0;
  std::map<int, std::string> fds;              // fd -> what it points to
  std::map<int, std::string> signal_handlers;  // signal -> handler and flags, for every signal
  std::string cwd;
  unsigned umask_bits = 0;
  std::string locale;
  std::vector<std::string> environment;
  long long stdout_bytes = 0;  // size of what fd 1 / fd 2 point to (files in a check's child)
  long long stderr_bytes = 0;
};

ProcessSnapshot take_snapshot();

/// Each difference as a phrase ("started 1 thread", "opened fd 5 (/tmp/x)",
/// "changed the handler of SIGINT", "wrote 12 bytes to stdout"); empty when none.
std::vector<std::string> snapshot_differences(const ProcessSnapshot& before, const ProcessSnapshot& after);

/// The number of threads of this process (/proc/self/task).
size_t thread_count();
/// thread_count(), once it is no longer above `baseline`, or after about a second. A joined
/// thread stays in /proc/self/task for a moment: pthread_join returns when the kernel
/// clears the thread's tid, before it removes the task. Only a thread still running after
/// that grace period counts as one a plugin left behind.
size_t settled_thread_count(size_t baseline);
/// The number of open file descriptors (/proc/self/fd).
size_t fd_count();

}  // namespace etlhost::conformance
