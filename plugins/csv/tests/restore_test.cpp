// restore(checkpoint): bringing the output back to the last commit, or refusing to.
#include <doctest/doctest.h>

#include <filesystem>

#include "csv_support.h"

using namespace csv_test;

namespace {

const std::vector<Message> kFirstRun = {schema_of("s", {"a"}, false), record("s", R"({"a":1})")};
constexpr const char* kCommitted = "a\r\n1\r\n";

}  // namespace

TEST_CASE("restore truncates a file that grew after the commit and says how much it discarded") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  write_file(dir / "s.csv", std::string(kCommitted) + "2\r\n3");  // an interrupted run's rows

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(read_file(dir / "s.csv") == kCommitted);
  CHECK(sink.logged("WARN", "discarding the last 4 bytes of " + dir.path().string() + "/s.csv"));
  REQUIRE(sink.write({schema_of("s", {"a"}, false), record("s", R"({"a":9})")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == std::string(kCommitted) + "9\r\n");
}

TEST_CASE("restore removes csv files the checkpoint does not list, and only those") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  write_file(dir / "late.csv", "b\r\n1\r\n");
  write_file(dir / "s.2.csv", "a,b\r\n");
  write_file(dir / "keep.txt", "not a csv file");

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"keep.txt", "s.csv"});
  CHECK(sink.logged("WARN", "removing " + dir.path().string() + "/late.csv"));
  CHECK(sink.logged("WARN", "removing " + dir.path().string() + "/s.2.csv"));
}

TEST_CASE("restore refuses a file shorter than committed and changes nothing") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  write_file(dir / "s.csv", "a\r\n");
  write_file(dir / "late.csv", "b\r\n");

  Sink sink(Sink::config_for(dir.path().string()));
  const Status status = sink.restore(committed);
  CHECK(status.code == ETL_E_INVALID_STATE);
  CHECK(status.message.find("s.csv is 3 bytes long, but the committed checkpoint says 6") != std::string::npos);
  CHECK(status.message.find("changed outside etlhost") != std::string::npos);
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"late.csv", "s.csv"});
  // The instance refuses to go on from an unknown position.
  CHECK(sink.write({schema_of("s", {"a"})}).code == ETL_E_INVALID_STATE);
  CHECK(sink.flush().code == ETL_E_INVALID_STATE);
}

TEST_CASE("a committed file that was moved away starts afresh with a header") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  std::filesystem::remove(dir / "s.csv");
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(sink.logged("INFO", "was committed but is gone"));
  CHECK(sink.checkpoint().find("s.csv") == std::string::npos);
  REQUIRE(sink.write({schema_of("s", {"a"}, false), record("s", R"({"a":2})")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == "a\r\n2\r\n");
}

TEST_CASE("restore after a failed run discards what was buffered and what reached the file") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  // Enough rows to overflow the write buffer several times, so some are on disk...
  std::vector<Message> batch{schema_of("s", {"a"}, false), schema_of("t", {"b"}, false)};
  const std::string wide(1000, 'x');
  for (int i = 0; i < 2000; ++i) batch.push_back(record("s", R"({"a":")" + wide + R"("})"));
  batch.push_back(record("t", R"({"b":1})"));  // ...a new file that only exists in the buffer...
  REQUIRE(sink.write(batch).ok());
  CHECK(std::filesystem::file_size(dir / "s.csv") > 6);
  // ...and a failure: the host restores the last commit before destroying the sink.
  REQUIRE(sink.restore(committed).ok());
  CHECK(read_file(dir / "s.csv") == kCommitted);
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});
  CHECK(sink.checkpoint() == committed);
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == kCommitted);

  // The same instance can go on after the restore (schemas are kept).
  REQUIRE(sink.write({record("s", R"({"a":2})")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == std::string(kCommitted) + "2\r\n");
}

TEST_CASE("a checkpoint of another directory is refused when that would delete or restart files") {
  TempDir first_dir;
  TempDir other_dir;
  const std::string committed = run_sink(first_dir.path().string(), kFirstRun);
  write_file(other_dir / "someone_elses.csv", "x\r\n");
  Sink sink(Sink::config_for(other_dir.path().string()));
  const Status status = sink.restore(committed);
  CHECK(status.code == ETL_E_INVALID_STATE);
  CHECK(status.message.find("belongs to output_dir '" + first_dir.path().string() + "'") != std::string::npos);
  CHECK(file_exists(other_dir / "someone_elses.csv"));
}

TEST_CASE("a directory moved with all its committed files continues where it was") {
  TempDir parent;
  const std::string committed = run_sink(parent / "before", kFirstRun);
  std::filesystem::rename(parent / "before", parent / "after");
  write_file(parent / "after/s.csv", std::string(kCommitted) + "junk");
  const std::string moved = run_sink(parent / "after", {schema_of("s", {"a"}, false), record("s", R"({"a":2})")},
                                     committed);
  CHECK(read_file(parent / "after/s.csv") == std::string(kCommitted) + "2\r\n");
  CHECK(moved.find(parent / "after") != std::string::npos);
}

TEST_CASE("a checkpoint that is not ours is refused with ETL_E_INVALID_STATE") {
  TempDir dir;
  for (const std::string bad : {"not json", R"({"version":2,"files":{}})", R"({"version":1,"files":[]})",
                                R"({"version":1,"output_dir":"/x","files":{"../etc/passwd.csv":1}})",
                                R"({"version":1,"output_dir":"/x","files":{"a.csv":-1}})"}) {
    CAPTURE(bad);
    Sink sink(Sink::config_for(dir.path().string()));
    const Status status = sink.restore(bad);
    CHECK(status.code == ETL_E_INVALID_STATE);
    CHECK(status.message.find("checkpoint: ") != std::string::npos);
  }
}
