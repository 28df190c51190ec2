#include "conformance/probe.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>

#include "conformance/child.h"

extern char** environ;

namespace etlhost::conformance {

namespace {

size_t count_entries(const char* dir_path) {
  DIR* dir = ::opendir(dir_path);
  if (dir == nullptr) return 0;
  size_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count;
}

std::map<int, std::string> open_fds() {
  std::map<int, std::string> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd == own) continue;
    char target[512];
    const std::string link = std::string("/proc/self/fd/") + entry->d_name;
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    fds[fd] = n > 0 ? std::string(target, static_cast<size_t>(n)) : std::string("?");
  }
  ::closedir(dir);
  return fds;
}

long long size_of_fd(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return 0;
  return static_cast<long long>(info.st_size);
}

std::string handler_text(const struct sigaction& action) {
  char text[96];
  const void* handler = (action.sa_flags & SA_SIGINFO) != 0 ? reinterpret_cast<void*>(action.sa_sigaction)
                                                            : reinterpret_cast<void*>(action.sa_handler);
  std::snprintf(text, sizeof text, "%p/%x", handler, static_cast<unsigned>(action.sa_flags));
  return text;
}

}  // namespace

size_t thread_count() { return count_entries("/proc/self/task"); }

size_t settled_thread_count(size_t baseline) {
  size_t threads = thread_count();
  for (int tries = 0; threads > baseline && tries < 100; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    threads = thread_count();
  }
  return threads;
}

size_t fd_count() { return open_fds().size(); }

ProcessSnapshot take_snapshot() {
  ProcessSnapshot snapshot;
  snapshot.threads = thread_count();
  snapshot.fds = open_fds();
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
    struct sigaction action {};
    if (::sigaction(signal_number, nullptr, &action) == 0)
      snapshot.signal_handlers[signal_number] = handler_text(action);
  }
  char cwd[4096];
  snapshot.cwd = ::getcwd(cwd, sizeof cwd) != nullptr ? cwd : "?";
  const mode_t mask = ::umask(022);
  ::umask(mask);
  snapshot.umask_bits = static_cast<unsigned>(mask);
  const char* locale = std::setlocale(LC_ALL, nullptr);
  snapshot.locale = locale != nullptr ? locale : "?";
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
    snapshot.environment.emplace_back(*entry);
  snapshot.stdout_bytes = size_of_fd(STDOUT_FILENO);
  snapshot.stderr_bytes = size_of_fd(STDERR_FILENO);
  return snapshot;
}

std::vector<std::string> snapshot_differences(const ProcessSnapshot& before, const ProcessSnapshot& after) {
  std::vector<std::string> out;
  if (after.threads > before.threads) {
    const size_t n = after.threads - before.threads;
    out.push_back("started " + std::to_string(n) + (n == 1 ? " thread" : " threads") + " that still run");
  }
  for (const auto& [fd, target] : after.fds) {
    const auto it = before.fds.find(fd);
    if (it == before.fds.end()) {
      out.push_back("opened file descriptor " + std::to_string(fd) + " (" + target + ") and left it open");
    } else if (it->second != target) {
      out.push_back("replaced file descriptor " + std::to_string(fd) + " (" + it->second + " -> " + target + ")");
    }
  }
  for (const auto& [fd, target] : before.fds) {
    if (after.fds.count(fd) == 0) out.push_back("closed file descriptor " + std::to_string(fd) + " (" + target + ")");
  }
  for (const auto& [signal_number, handler] : after.signal_handlers) {
    const auto it = before.signal_handlers.find(signal_number);
    if (it != before.signal_handlers.end() && it->second != handler) {
      out.push_back("changed the handler of " + signal_text(signal_number));
    }
  }
  if (after.cwd != before.cwd) out.push_back("changed the current directory to " + after.cwd);
  if (after.umask_bits != before.umask_bits) {
    char text[64];
    std::snprintf(text, sizeof text, "changed the umask from %03o to %03o", before.umask_bits, after.umask_bits);
    out.emplace_back(text);
  }
  if (after.locale != before.locale) out.push_back("changed the locale to " + after.locale);
  if (after.environment != before.environment) {
    const std::set<std::string> old_env(before.environment.begin(), before.environment.end());
    const std::set<std::string> new_env(after.environment.begin(), after.environment.end());
    std::string changed;
    for (const std::string& entry : new_env) {
      if (old_env.count(entry) == 0) {
        changed = entry.substr(0, entry.find('='));
        break;
      }
    }
    if (changed.empty()) {
      for (const std::string& entry : old_env) {
        if (new_env.count(entry) == 0) {
          changed = entry.substr(0, entry.find('='));
          break;
        }
      }
    }
    out.push_back("changed the environment" + (changed.empty() ? std::string() : " (" + changed + ")"));
  }
  if (after.stdout_bytes > before.stdout_bytes) {
    out.push_back("wrote " + std::to_string(after.stdout_bytes - before.stdout_bytes) + " bytes to stdout");
  }
  if (after.stderr_bytes > before.stderr_bytes) {
    out.push_back("wrote " + std::to_string(after.stderr_bytes - before.stderr_bytes) + " bytes to stderr");
  }
  return out;
}

}  // namespace etlhost::conformance
