// Files that must not hurt a run (issue 8): special files and symbolic links as --state,
// devices and huge files as --config, numbers out of range in config, catalog and state, a
// state the source refuses. All through the real binary, on real files in a temp dir.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "host_support.h"

using hosttest::contains;
using hosttest::read_file;
using hosttest::run_etlhost;
using hosttest::write_file;

namespace fs = std::filesystem;

namespace {

// Every refusal here must be prompt: a FIFO that blocks the open, or a read of /dev/zero,
// would run into this limit instead of the 60 s default.
etltest::ProcessOptions promptly() {
  etltest::ProcessOptions options;
  options.timeout = std::chrono::seconds(10);
  return options;
}

etltest::ProcessResult run_demo(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"run", "demo", "to", "null", "--set", "demo.records=3"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_etlhost(args, promptly());
}

}  // namespace

TEST_CASE("hostile inputs: a FIFO as --state is refused at once (exit 7), never opened") {
  hosttest::TempDir dir;
  const std::string fifo = dir.file("state.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto result = run_demo({"--state", fifo});
  CHECK_FALSE_MESSAGE(result.timed_out, result.describe());
  CHECK_MESSAGE(result.exit_code == 7, result.describe());
  CHECK(contains(result.err, "state file " + fifo + " is a FIFO (named pipe), not a regular file"));
  CHECK(fs::is_fifo(fifo));
  CHECK(etltest::list_dir(dir.path().string()) == std::vector<std::string>{"state.fifo"});  // no .lock, no .tmp
}

TEST_CASE("hostile inputs: a character device as --state is refused (exit 7) and never replaced") {
  hosttest::TempDir dir;
  // A device node of our own (the null device's numbers) when we may make one; otherwise
  // /dev/null itself, but only when we are not root, so a regression cannot replace it.
  std::string device = dir.file("null-device");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    if (::geteuid() == 0) {
      MESSAGE("mknod is not permitted: skipped rather than risk the machine's /dev/null");
      return;
    }
    device = "/dev/null";
  }
  const auto result = run_demo({"--state", device});
  CHECK_MESSAGE(result.exit_code == 7, result.describe());
  CHECK(contains(result.err, "state file " + device + " is a character device, not a regular file"));
  struct stat info {};
  REQUIRE(::lstat(device.c_str(), &info) == 0);
  CHECK(S_ISCHR(info.st_mode));
  CHECK(info.st_rdev == makedev(1, 3));
  CHECK_FALSE(hosttest::file_exists(device + ".lock"));
  CHECK_FALSE(hosttest::file_exists(device + ".tmp"));
}

TEST_CASE("hostile inputs: a directory as --state is refused (exit 7) and left alone") {
  hosttest::TempDir dir;
  const std::string state = dir.file("state.d");
  fs::create_directory(state);
  const auto result = run_demo({"--state", state});
  CHECK_MESSAGE(result.exit_code == 7, result.describe());
  CHECK(contains(result.err, "state file " + state + " is a directory, not a regular file"));
  CHECK(etltest::list_dir(dir.path().string()) == std::vector<std::string>{"state.d"});
}

TEST_CASE("hostile inputs: a symlinked state updates its target, the link survives, both names share one lock") {
  hosttest::TempDir dir;
  fs::create_directory(dir.file("real"));
  const std::string target = dir.file("real/state.json");
  const std::string link = dir.file("state.json");
  fs::create_symlink("real/state.json", link);  // relative, as users make them

  const auto first = run_demo({"--state", link});
  REQUIRE_MESSAGE(first.exit_code == 0, first.describe());
  CHECK(fs::is_symlink(link));
  CHECK(contains(read_file(target), R"("state":{"customers":3,"orders":3})"));
  CHECK(hosttest::file_exists(target + ".lock"));
  CHECK_FALSE(hosttest::file_exists(link + ".lock"));

  // While a run through a link holds the lock, a run through the target's own name is refused.
  fs::create_symlink(dir.file("script.json"), dir.file("script-link.json"));  // absolute, dangling until the commit
  auto holder = etltest::Process::start(hosttest::etlhost_bin(),
                                        {"run", "t-script", "to", "null", "--state", dir.file("script-link.json"),
                                         "--set", "t-script.records=100000", "--set", "t-script.delay_ms=20"},
                                        hosttest::etlhost_options());
  REQUIRE_MESSAGE(holder.wait_for_stderr("sent state 1", std::chrono::seconds(30)), holder.err());
  const auto second = run_etlhost({"run", "t-script", "to", "null", "--state", dir.file("script.json")}, promptly());
  CHECK_MESSAGE(second.exit_code == 7, second.describe());
  CHECK(contains(second.err, "another etlhost run is using state file " + dir.file("script.json")));
  holder.send_signal(SIGTERM);
  const auto stopped = holder.wait();
  CHECK_MESSAGE(stopped.exit_code == 143, stopped.describe());
  CHECK(fs::is_symlink(dir.file("script-link.json")));
  CHECK(contains(read_file(dir.file("script.json")), R"("source":"t-script")"));
}

TEST_CASE("hostile inputs: --config /dev/zero is refused at once (exit 3), nothing read") {
  const auto result = run_demo({"--config", "/dev/zero"});
  CHECK_FALSE_MESSAGE(result.timed_out, result.describe());
  CHECK_MESSAGE(result.exit_code == 3, result.describe());
  CHECK(contains(result.err,
                 "demo config file /dev/zero (--config) is a character device, not a regular file or a pipe"));
}

TEST_CASE("hostile inputs: config, catalog and state files over 64 MiB are refused by their size") {
  hosttest::TempDir dir;
  const std::string huge = dir.file("huge.json");
  write_file(huge, "{}");
  fs::resize_file(huge, (64u << 20) + 1);  // sparse: no disk, no memory
  struct Case {
    std::string option, what;
    int exit_code;
  };
  for (const Case& c :
       {Case{"--config", "demo config file " + huge + " (--config)", 3},
        Case{"--sink-config", "null config file " + huge + " (--sink-config)", 3},
        Case{"--catalog", "catalog file " + huge + " (--catalog)", 3}, Case{"--state", "state file " + huge, 7}}) {
    CAPTURE(c.option);
    const auto written = fs::last_write_time(huge);
    const auto result = run_demo({c.option, huge});
    CHECK_MESSAGE(result.exit_code == c.exit_code, result.describe());
    CHECK(contains(result.err, c.what + " is larger than 64 MiB, the most etlhost reads of it"));
    CHECK(fs::file_size(huge) == (64u << 20) + 1);  // untouched, the state file included
    CHECK(fs::last_write_time(huge) == written);
  }
}

TEST_CASE("hostile inputs: a config through a pipe is read, and capped like a file") {
  auto options = promptly();
  options.stdin_text = R"({"records": 2})";
  const auto small = run_etlhost({"run", "demo", "to", "null", "--config", "/dev/stdin"}, options);
  CHECK_MESSAGE(small.exit_code == 0, small.describe());
  CHECK(contains(small.err, "finished: 4 records"));

  // A named pipe fed by a thread of ours, with more than the cap of blanks (valid JSON space).
  hosttest::TempDir dir;
  const std::string fifo = dir.file("config.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&fifo] {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    const std::string blanks(1u << 20, ' ');
    for (int mib = 0; fd >= 0 && mib < 65; ++mib) {
      if (::write(fd, blanks.data(), blanks.size()) < 0) break;  // EPIPE once etlhost stops reading
    }
    if (fd >= 0) ::close(fd);
  });
  const auto flood = run_etlhost({"run", "demo", "to", "null", "--config", fifo}, promptly());
  writer.join();
  CHECK_MESSAGE(flood.exit_code == 3, flood.describe());
  CHECK(contains(flood.err, "demo config file " + fifo + " (--config) is larger than 64 MiB"));
}

TEST_CASE("hostile inputs: 1e999 and too big integers in config, catalog and state name the file and the place") {
  hosttest::TempDir dir;
  struct Case {
    std::string option, text, where;
    int exit_code;
  };
  const std::string path = dir.file("input.json");
  for (const Case& c : {
           Case{"--config", "{\"records\":\n 1e999}", "demo config file " + path + " (--config) is refused: ", 3},
           Case{"--config", R"({"records":18446744073709551616})", "demo config file " + path, 3},
           Case{"--catalog", R"({"streams":[{"x":-1E+999}]})", "catalog file " + path + " (--catalog) is refused", 3},
           Case{"--state", R"({"customers":1e999,"orders":0})", "state file " + path, 7},
       }) {
    CAPTURE(c.text);
    write_file(path, c.text);
    const auto result = run_demo({c.option, path});
    CHECK_MESSAGE(result.exit_code == c.exit_code, result.describe());
    CHECK(contains(result.err, c.where));
    CHECK_FALSE(contains(result.err, "internal error"));
    CHECK(read_file(path) == c.text);
  }
  write_file(path, "{\"records\":\n 1e999}");
  CHECK(contains(run_demo({"--config", path}).err,
                 "the number 1e999 at line 2, column 2 is beyond the range of a double"));
  write_file(path, R"({"records":18446744073709551616})");
  CHECK(
      contains(run_demo({"--config", path}).err,
               "the number 18446744073709551616 at line 1, column 12 is an integer beyond the int64 and uint64 range"));
}

TEST_CASE("hostile inputs: a state the source refuses exits 7 and leaves the file byte for byte") {
  hosttest::TempDir dir;
  const std::string state = dir.file("state.json");
  for (const std::string& text :
       {std::string("[1, 2]\n"), std::string(R"({"etlhost_state":1,"source":"demo","state":{"customers":"many"},)"
                                             R"("sink":"null","sink_checkpoint":null,"committed_at":"x"})")}) {
    CAPTURE(text);
    write_file(state, text);
    const auto result = run_demo({"--state", state});
    CHECK_MESSAGE(result.exit_code == 7, result.describe());
    CHECK(contains(result.err, "source 'demo' refused the state in state file " + state + ": demo state: expected"));
    CHECK(contains(result.err, "the file was left untouched"));
    CHECK(read_file(state) == text);
  }
}
