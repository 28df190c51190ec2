// Files across runs: appending under the existing header, generations, baseline checkpoints.
#include <doctest/doctest.h>

#include "csv_support.h"

using namespace csv_test;

TEST_CASE("a second sink instance appends without a second header") {
  TempDir dir;
  const std::string first = run_sink(dir.path().string(),
                                     {schema_of("s", {"a", "b"}), record("s", R"({"a":1,"b":2})")});
  run_sink(dir.path().string(), {schema_of("s", {"a", "b"}), record("s", R"({"a":3,"b":4})")}, first);
  // And once more without a checkpoint: a run without a state file appends as well.
  run_sink(dir.path().string(), {schema_of("s", {"a", "b"}), record("s", R"({"a":5,"b":6})")});
  CHECK(read_file(dir / "s.csv") == "a,b,_extra\r\n1,2,\r\n3,4,\r\n5,6,\r\n");
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});
}

TEST_CASE("appending follows the existing header's order, columns the schema dropped stay empty") {
  TempDir dir;
  write_file(dir / "s.csv", "b,gone,a,_extra\r\n1,x,2,\r\n");
  run_sink(dir.path().string(), {schema_of("s", {"a", "b"}), record("s", R"({"a":"A","b":"B","new":1})")});
  CHECK(read_file(dir / "s.csv") == "b,gone,a,_extra\r\n1,x,2,\r\nB,,A,\"{\"\"new\"\":1}\"\r\n");
}

TEST_CASE("a schema that gains a column starts a new generation file, older files stay untouched") {
  TempDir dir;
  const std::string first = run_sink(dir.path().string(), {schema_of("s", {"a"}), record("s", R"({"a":1})")});
  const std::string v1 = read_file(dir / "s.csv");

  std::string second;
  {
    Sink sink(Sink::config_for(dir.path().string()));
    REQUIRE(sink.restore(first).ok());
    REQUIRE(sink.write({schema_of("s", {"a", "b"}), record("s", R"({"a":2,"b":3})")}).ok());
    second = sink.checkpoint();
    REQUIRE(sink.flush().ok());
    CHECK(sink.logged("INFO", "has no column 'b'"));
  }
  CHECK(read_file(dir / "s.csv") == v1);
  CHECK(read_file(dir / "s.2.csv") == "a,b,_extra\r\n2,3,\r\n");
  CHECK(second.find("\"s.2.csv\":") != std::string::npos);

  // Later runs append to the newest generation, even under the old schema.
  const std::string third = run_sink(dir.path().string(), {schema_of("s", {"a"}), record("s", R"({"a":4})")}, second);
  CHECK(read_file(dir / "s.2.csv") == "a,b,_extra\r\n2,3,\r\n4,,\r\n");
  // And another new column makes generation 3.
  run_sink(dir.path().string(), {schema_of("s", {"c"}), record("s", R"({"c":5})")}, third);
  CHECK(read_file(dir / "s.3.csv") == "c,_extra\r\n5,\r\n");
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.2.csv", "s.3.csv", "s.csv"});
}

TEST_CASE("a schema change within one run switches files between two records") {
  TempDir dir;
  run_sink(dir.path().string(),
           {schema_of("s", {"a"}, false), record("s", R"({"a":1})"), schema_of("s", {"a"}, false),
            record("s", R"({"a":2})"), schema_of("s", {"a", "b"}, false), record("s", R"({"a":3,"b":4})")});
  CHECK(read_file(dir / "s.csv") == "a\r\n1\r\n2\r\n");
  CHECK(read_file(dir / "s.2.csv") == "a,b\r\n3,4\r\n");
}

TEST_CASE("a file with another line terminator than configured is continued in a new generation") {
  TempDir dir;
  run_sink(dir.path().string(), {schema_of("s", {"a"}, false), record("s", R"({"a":1})")}, "",
           R"("line_terminator":"lf")");
  run_sink(dir.path().string(), {schema_of("s", {"a"}, false), record("s", R"({"a":2})")});
  CHECK(read_file(dir / "s.csv") == "a\n1\n");
  CHECK(read_file(dir / "s.2.csv") == "a\r\n2\r\n");
}

TEST_CASE("the checkpoint lists every csv file with its logical length, buffered bytes included") {
  TempDir dir;
  write_file(dir / "old.csv", "x\r\n1\r\n");
  write_file(dir / "notes.txt", "not ours");
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore().ok());
  const std::string baseline = sink.checkpoint();
  CHECK(baseline == R"({"version":1,"output_dir":")" + dir.path().string() + R"(","files":{"old.csv":6}})");
  REQUIRE(sink.write({schema_of("s", {"a"}, false), record("s", R"({"a":1})")}).ok());
  // "a\r\n1\r\n" is buffered, not yet on disk, and already counted.
  CHECK(sink.checkpoint() ==
        R"({"version":1,"output_dir":")" + dir.path().string() + R"(","files":{"old.csv":6,"s.csv":6}})");
}

TEST_CASE("a file that exists but is empty gets a header") {
  TempDir dir;
  write_file(dir / "s.csv", "");
  run_sink(dir.path().string(), {schema_of("s", {"a"}, false), record("s", R"({"a":1})")});
  CHECK(read_file(dir / "s.csv") == "a\r\n1\r\n");
}

TEST_CASE("a file whose header line is incomplete is refused, not appended to") {
  TempDir dir;
  write_file(dir / "s.csv", "a,b");
  Sink sink(Sink::config_for(dir.path().string()));
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
