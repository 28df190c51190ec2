// Files across runs: appending under the existing header, generations, baseline checkpoints.
#include <doctest/doctest.h>

#include <filesystem>

#include "csv_support.h"

using namespace csv_test;

namespace {
// These tests append to files a run without a checkpoint finds: if_exists says they may
// (the default refuses, refresh_test.cpp).
constexpr const char* kAppend = R"("if_exists":"append")";
}  // namespace

TEST_CASE("a second sink instance appends without a second header") {
  TempDir dir;
  const std::string first = run_sink(dir.path().string(),
                                     {schema_of("s", {"a", "b"}), record("s", R"({"a":1,"b":2})")});
  run_sink(dir.path().string(), {schema_of("s", {"a", "b"}), record("s", R"({"a":3,"b":4})")}, first);
  // And once more without a checkpoint: with if_exists append, a run without a state file appends as well.
  run_sink(dir.path().string(), {schema_of("s", {"a", "b"}), record("s", R"({"a":5,"b":6})")}, "", kAppend);
  CHECK(read_file(dir / "s.csv") == "a,b,_extra\r\n1,2,\r\n3,4,\r\n5,6,\r\n");
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});
}

TEST_CASE("appending follows the existing header's order, columns the schema dropped stay empty") {
  TempDir dir;
  write_file(dir / "s.csv", "b,gone,a,_extra\r\n1,x,2,\r\n");
  run_sink(dir.path().string(), {schema_of("s", {"a", "b"}), record("s", R"({"a":"A","b":"B","new":1})")}, "", kAppend);
  CHECK(read_file(dir / "s.csv") == "b,gone,a,_extra\r\n1,x,2,\r\nB,,A,\"{\"\"new\"\":1}\"\r\n");
}

TEST_CASE("a schema that gains a column widens the file: one file, new columns before _extra, old rows padded") {
  TempDir dir;
  const std::string first = run_sink(dir.path().string(),
                                     {schema_of("s", {"a"}), record("s", R"({"a":1,"b":"early"})")});

  std::string second;
  {
    Sink sink(Sink::config_for(dir.path().string()));
    REQUIRE(sink.restore(first).ok());
    REQUIRE(sink.write({schema_of("s", {"a", "b"}), record("s", R"({"a":2,"b":3})")}).ok());
    second = sink.checkpoint();
    REQUIRE(sink.flush().ok());
    CHECK(sink.logged("INFO", "widened " + dir.path().string() +
                                  "/s.csv with the column(s) 'b' the schema gained: "
                                  "rewrote its 1 rows"));
  }
  // The row from before keeps its "b" in _extra (that is what it was written with).
  CHECK(read_file(dir / "s.csv") == "a,b,_extra\r\n1,,\"{\"\"b\"\":\"\"early\"\"}\"\r\n2,3,\r\n");
  CHECK(second.find(R"("s.csv":{"length":)" + std::to_string(read_file(dir / "s.csv").size()) +
                    R"(,"columns":["a","b","_extra"]})") != std::string::npos);

  // Later runs append under the wider header, even with the old schema; another new column
  // widens again.
  const std::string third = run_sink(dir.path().string(), {schema_of("s", {"a"}), record("s", R"({"a":4})")}, second);
  run_sink(dir.path().string(), {schema_of("s", {"c"}), record("s", R"({"c":5})")}, third);
  CHECK(read_file(dir / "s.csv") == "a,b,c,_extra\r\n1,,,\"{\"\"b\"\":\"\"early\"\"}\"\r\n2,3,,\r\n4,,,\r\n,,5,\r\n");
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});
}

TEST_CASE("schema changes within one run widen the file between two records, with no extras column too") {
  TempDir dir;
  run_sink(dir.path().string(),
           {schema_of("s", {"a"}, false), record("s", R"({"a":1})"), schema_of("s", {"a"}, false),
            record("s", R"({"a":2})"), schema_of("s", {"a", "b"}, false), record("s", R"({"a":3,"b":4})"),
            schema_of("s", {"a", "b", "c", "d"}, false), record("s", R"({"d":5})")});
  CHECK(read_file(dir / "s.csv") == "a,b,c,d\r\n1,,,\r\n2,,,\r\n3,4,,\r\n,,,5\r\n");
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});
}

TEST_CASE("a file over the widening limit gains a new generation instead, and says why") {
  TempDir dir;
  // 64 MiB and one row: one row past the most the sink rewrites.
  const std::string row = std::string(1023, 'x') + "\n";
  std::string text = "a\n";
  while (text.size() <= (uint64_t{64} << 20)) text += row;
  write_file(dir / "s.csv", text);
  Sink sink(Sink::config_for(dir.path().string(), R"("line_terminator":"lf",)" + std::string(kAppend)));
  REQUIRE(sink.restore().ok());
  REQUIRE(sink.write({schema_of("s", {"a", "b"}, false), record("s", R"({"a":1,"b":2})")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(sink.logged("INFO", "s.csv lacks a column of the schema and is larger than 64 MiB, the most the sink "
                            "rewrites to widen a header, so its rows continue in a new file, s.2.csv"));
  CHECK(std::filesystem::file_size(dir / "s.csv") == text.size());
  CHECK(read_file(dir / "s.2.csv") == "a,b\n1,2\n");
}

TEST_CASE("a file whose rows the sink cannot rewrite exactly gains a new generation instead, and says why") {
  TempDir dir;
  write_file(dir / "s.csv", "a,b\r\n1,2\r\nragged\r\n");  // someone's file, not a table
  Sink sink(Sink::config_for(dir.path().string(), kAppend));
  REQUIRE(sink.restore().ok());
  REQUIRE(sink.write({schema_of("s", {"a", "b", "c"}, false), record("s", R"({"c":3})")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(sink.logged("INFO", "s.csv lacks the column(s) 'c' but cannot be widened: " + dir.path().string() +
                                "/s.csv, line 2 after the header: 1 cells where the header has 2"));
  CHECK(read_file(dir / "s.csv") == "a,b\r\n1,2\r\nragged\r\n");
  CHECK(read_file(dir / "s.2.csv") == "a,b,c\r\n,,3\r\n");
  CHECK_FALSE(file_exists(dir / ".s.csv.rewrite"));  // the failed rewrite is gone
}

TEST_CASE("a file with another line terminator than configured is continued in a new generation") {
  TempDir dir;
  run_sink(dir.path().string(), {schema_of("s", {"a"}, false), record("s", R"({"a":1})")}, "",
           R"("line_terminator":"lf")");
  run_sink(dir.path().string(), {schema_of("s", {"a"}, false), record("s", R"({"a":2})")}, "", kAppend);
  CHECK(read_file(dir / "s.csv") == "a\n1\n");
  CHECK(read_file(dir / "s.2.csv") == "a\r\n2\r\n");
}

TEST_CASE("the checkpoint lists every csv file with its logical length, buffered bytes included") {
  TempDir dir;
  write_file(dir / "old.csv", "x\r\n1\r\n");
  write_file(dir / "notes.txt", "not ours");
  Sink sink(Sink::config_for(dir.path().string(), kAppend));
  REQUIRE(sink.restore().ok());
  const std::string baseline = sink.checkpoint();
  CHECK(baseline == R"({"version":2,"output_dir":")" + dir.path().string() +
                        R"(","files":{"old.csv":{"length":6,"columns":["x"]}}})");
  REQUIRE(sink.write({schema_of("s", {"a"}, false), record("s", R"({"a":1})")}).ok());
  // "a\r\n1\r\n" is buffered, not yet on disk, and already counted.
  CHECK(sink.checkpoint() == R"({"version":2,"output_dir":")" + dir.path().string() +
                                 R"(","files":{"old.csv":{"length":6,"columns":["x"]},"s.csv":{"length":6,)"
                                 R"("columns":["a"]}}})");
}

TEST_CASE("a file that exists but is empty gets a header") {
  TempDir dir;
  write_file(dir / "s.csv", "");  // no rows to repeat: not refused without if_exists either
  run_sink(dir.path().string(), {schema_of("s", {"a"}, false), record("s", R"({"a":1})")});
  CHECK(read_file(dir / "s.csv") == "a\r\n1\r\n");
}

TEST_CASE("a file whose header line is incomplete is refused, not appended to") {
  TempDir dir;
  write_file(dir / "s.csv", "a,b");
  Sink sink(Sink::config_for(dir.path().string(), kAppend));
  REQUIRE(sink.restore().ok());
  CHECK(sink.logged("WARN", "does not end with a line break"));
  const Status status = sink.write({schema_of("s", {"a"}), record("s", R"({"a":1})")});
  CHECK(status.code == ETL_E_INVALID_STATE);
  CHECK(status.message.find("complete header line") != std::string::npos);
}

TEST_CASE("a second live sink on the same directory is refused until the first is gone") {
  TempDir dir;
  {
    Sink first(Sink::config_for(dir.path().string()));
    REQUIRE(first.restore().ok());
    Sink second(Sink::config_for(dir.path().string()));
    const Status status = second.restore();
    CHECK(status.code == ETL_E_INVALID_STATE);
    CHECK(status.message.find("another csv sink is writing to " + dir.path().string()) != std::string::npos);
  }
  Sink later(Sink::config_for(dir.path().string()));
  CHECK(later.restore().ok());
}
