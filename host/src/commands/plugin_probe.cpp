#include "commands/plugin_probe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "exit_guard.h"
#include "fd_write.h"
#include "host_error.h"
#include "plugin_loader.h"

namespace etlhost {

namespace {

std::string strip_prefix(const std::string& message, const std::string& path) {
  const std::string prefix = "cannot load plugin " + path + ": ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

nlohmann::json load_and_summarize(const std::string& path, const std::string& expected_name) {
  try {
    const auto plugin = LoadedPlugin::load(path, expected_name);
    return {{"name", plugin->name()},
            {"kind", kind_name(plugin->kind())},
            {"version", plugin->version()},
            {"abi", plugin->abi_text()},
            {"description", plugin->description()}};
  } catch (const HostError& error) {
    return {{"error", strip_prefix(error.what(), path)}};
  } catch (const std::exception& error) {
    return {{"error", std::string("unexpected error while loading: ") + error.what()}};
  }
}

// The child: stdout goes to stderr (a plugin printing while it loads must not garble the
// listing), an exit() while loading is reported through the pipe, and _exit skips the
// parent's exit handlers and buffers, which belong to the parent.
[[noreturn]] void run_probe_child(const std::string& path, const std::string& expected_name, int fd) {
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  const ExitGuard report_exit_as_broken(
      [fd](const std::string& what) {
        write_all(fd, nlohmann::json{{"error", what}}.dump());
      },
      0);
  const std::string answer =
      load_and_summarize(path, expected_name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  write_all(fd, answer);
  ::_exit(0);
}

// Everything the child writes, until it closes the pipe or the timeout passes.
bool read_until_closed(int fd, std::string* out) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kProbeTimeoutS);
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                            std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watch{fd, POLLIN, 0};
    const int ready = ::poll(&watch, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return false;
    if (ready < 0) return true;  // the pipe broke: whatever arrived is all there is
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;
    out->append(buffer, static_cast<size_t>(got));
  }
}

ProbeResult from_answer(const nlohmann::json& answer) {
  if (answer.contains("error")) return {std::nullopt, answer["error"].get<std::string>()};
  const auto text = [&answer](const char* key) { return answer.value(key, std::string()); };
  return {PluginSummary{text("name"), text("kind"), text("version"), text("abi"), text("description")}, ""};
}

ProbeResult from_child_end(int status, bool timed_out) {
  const char* where = "while loading (in a static constructor or etl_plugin_entry)";
  if (timed_out) {
    return {std::nullopt, "did not finish loading within " + std::to_string(static_cast<int>(kProbeTimeoutS)) +
                              " s (a hang in a static constructor or etl_plugin_entry?)"};
  }
  if (WIFSIGNALED(status)) {
    return {std::nullopt, std::string("crashed with signal ") + std::to_string(WTERMSIG(status)) + " (" +
                              ::strsignal(WTERMSIG(status)) + ") " + where};
  }
  return {std::nullopt, "ended its process with status " + std::to_string(WEXITSTATUS(status)) + " " + where +
                            " (_exit() or quick_exit()?)"};
}

}  // namespace

ProbeResult probe_plugin_file(const std::string& path, const std::string& expected_name) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {std::nullopt, std::string("pipe failed: ") + std::strerror(errno)};
  std::fflush(nullptr);  // nothing buffered here may be written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {std::nullopt, std::string("fork failed: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_probe_child(path, expected_name, fds[1]);
  }
  ::close(fds[1]);
  std::string answer;
  const bool closed = read_until_closed(fds[0], &answer);
  ::close(fds[0]);
  if (!closed) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const auto parsed = nlohmann::json::parse(answer, nullptr, false);
  if (closed && parsed.is_object()) return from_answer(parsed);
  return from_child_end(status, !closed);
}

}  // namespace etlhost
