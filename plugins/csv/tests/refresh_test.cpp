// ABI 1.2 for csv: its identity, reset() for --full-refresh, the guard against appending
// duplicates without a checkpoint (if_exists), and a changed delimiter named as such.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "csv_support.h"

using namespace csv_test;

namespace {

const std::vector<Message> kRows = {schema_of("s", {"a", "b"}, false), record("s", R"({"a":1,"b":2})")};
constexpr const char* kOneRun = "a,b\r\n1,2\r\n";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the identity is the absolute output directory") {
  TempDir dir;
  Sink sink(Sink::config_for(dir / "out"));
  const auto identity = nlohmann::json::parse(sink.identity());
  CHECK(identity == nlohmann::json{{"location", dir / "out"}, {"output_dir", dir / "out"}});
  CHECK(sink.has_reset());
}

TEST_CASE("without a checkpoint, existing csv files are refused unchanged, naming what to pass") {
  TempDir dir;
  run_sink(dir / "out", kRows);
  Sink again(Sink::config_for(dir / "out"));
  const Status refused = again.restore();
  CHECK(refused.code == ETL_E_INVALID_STATE);
  CHECK(contains(refused.message, dir / "out"));
  CHECK(contains(refused.message, "'s.csv'"));
  CHECK(contains(refused.message, "--state FILE"));
  CHECK(contains(refused.message, "--full-refresh"));
  CHECK(contains(refused.message, "if_exists"));
  CHECK(read_file(dir / "out/s.csv") == kOneRun);
}

TEST_CASE("if_exists append appends without a checkpoint, as before") {
  TempDir dir;
  run_sink(dir / "out", kRows);
  run_sink(dir / "out", kRows, "", R"("if_exists":"append")");
  CHECK(read_file(dir / "out/s.csv") == std::string(kOneRun) + "1,2\r\n");
  CHECK_FALSE(Sink::try_create(Sink::config_for(dir / "out", R"("if_exists":"overwrite")")).ok());
}

TEST_CASE("a restore after the run's own failure is not refused: the files are its own") {
  TempDir dir;
  Sink sink(Sink::config_for(dir / "out"));
  REQUIRE(sink.restore().ok());
  REQUIRE(sink.write(kRows).ok());
  REQUIRE(sink.flush().ok());
  CHECK(sink.restore().ok());
}

TEST_CASE("reset removes the csv files and the journal, leaves other files, and the run writes afresh") {
  TempDir dir;
  run_sink(dir / "out", kRows);
  write_file(dir / "out/notes.txt", "mine");
  write_file(dir / "out/.etl-csv-journal", "create s.csv\n");
  Sink sink(Sink::config_for(dir / "out"));
  REQUIRE(sink.reset().ok());
  CHECK_FALSE(file_exists(dir / "out/s.csv"));
  CHECK_FALSE(file_exists(dir / "out/.etl-csv-journal"));
  CHECK(read_file(dir / "out/notes.txt") == "mine");
  CHECK(sink.logged("WARN", "full refresh: removed 1 csv files in " + (dir / "out")));
  REQUIRE(sink.restore().ok());
  REQUIRE(sink.write(kRows).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "out/s.csv") == kOneRun);
}

TEST_CASE("a changed delimiter is named at restore, not reported as missing columns") {
  TempDir dir;
  const std::string committed = run_sink(dir / "out", kRows, "", R"("delimiter":";")");
  Sink sink(Sink::config_for(dir / "out"));
  const Status refused = sink.restore(committed);
  CHECK(refused.code == ETL_E_INVALID_STATE);
  CHECK(contains(refused.message, dir / "out/s.csv was written with delimiter ';' but the config says ','"));
  CHECK(read_file(dir / "out/s.csv") == "a;b\r\n1;2\r\n");
}

TEST_CASE("a changed delimiter is named when appending without a checkpoint too, and nothing is written") {
  TempDir dir;
  run_sink(dir / "out", kRows, "", R"("delimiter":"\t")");
  Sink sink(Sink::config_for(dir / "out", R"("if_exists":"append")"));
  REQUIRE(sink.restore().ok());
  const Status refused = sink.write(kRows);
  CHECK(refused.code == ETL_E_INVALID_STATE);
  CHECK(contains(refused.message, "was written with delimiter '\\t' (TAB) but the config says ','"));
  CHECK(read_file(dir / "out/s.csv") == "a\tb\r\n1\t2\r\n");
}
