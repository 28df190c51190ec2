// The test helper itself (tests/support/process.h): others rely on it, so it is tested.
#include <doctest/doctest.h>

#include <csignal>

#include "host_support.h"
#include "process.h"

using etltest::Process;
using etltest::ProcessOptions;
using etltest::run_process;

TEST_CASE("process: exit code, stdout and stderr are captured separately") {
  const auto result = run_process("/bin/sh", {"-c", "printf out; printf err >&2; exit 3"});
  CHECK(result.exit_code == 3);
  CHECK(result.signal == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(result.out == "out");
  CHECK(result.err == "err");
}

TEST_CASE("process: large outputs on both streams do not deadlock") {
  const auto result = run_process("/bin/sh",
                                  {"-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2; echo done >&2"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.size() == 300000);
  CHECK(result.err.size() == 300005);
}

TEST_CASE("process: environment, working directory and stdin") {
  hosttest::TempDir dir;
  ProcessOptions options;
  options.env["ETLTEST_VALUE"] = "forty two";
  options.unset_env.push_back("HOME");
  options.working_dir = dir.path().string();
  options.stdin_text = std::string("line from stdin\n");
  const auto result = run_process("/bin/sh", {"-c", "echo \"$ETLTEST_VALUE|${HOME-unset}|$(pwd)\"; cat"}, options);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "forty two|unset|" + dir.path().string() + "\nline from stdin\n");

  ProcessOptions cleared;
  cleared.clear_env = true;
  cleared.env["ONLY"] = "1";
  CHECK(run_process("/usr/bin/env", {}, cleared).out == "ONLY=1\n");

  ProcessOptions to_file;
  to_file.stdout_path = dir.file("out.txt");
  CHECK(run_process("/bin/echo", {"to a file"}, to_file).out.empty());
  CHECK(hosttest::read_file(dir.file("out.txt")) == "to a file\n");
}

TEST_CASE("process: signals, the timeout, and a program that cannot start") {
  auto sleeper = Process::start("/bin/sh", {"-c", "echo ready >&2; exec sleep 30"});
  REQUIRE(sleeper.wait_for_stderr("ready", std::chrono::seconds(10)));
  sleeper.send_signal(SIGTERM);
  const auto killed = sleeper.wait();
  CHECK(killed.signal == SIGTERM);
  CHECK(killed.exit_code == 128 + SIGTERM);

  ProcessOptions short_timeout;
  short_timeout.timeout = std::chrono::milliseconds(200);
  const auto hung = run_process("/bin/sleep", {"30"}, short_timeout);
  CHECK(hung.timed_out);
  CHECK(hung.signal == SIGKILL);

  auto quick = Process::start("/bin/true", {});
  CHECK_FALSE(quick.wait_for_stderr("never printed", std::chrono::seconds(10)));  // returns when it exits
  CHECK(quick.wait().exit_code == 0);

  CHECK_THROWS_AS(Process::start("/nonexistent/program", {}), std::runtime_error);
}
