// restore(checkpoint): bringing the output back to the last commit, or refusing to.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "csv_support.h"

using namespace csv_test;

namespace {

const std::vector<Message> kFirstRun = {schema_of("s", {"a"}, false), record("s", R"({"a":1})")};
constexpr const char* kCommitted = "a\r\n1\r\n";

// A run that did not finish: in a child process, a sink restores `committed`, writes
// `messages` and flushes them to disk, then the process is killed (no destroy, no commit).
void killed_run(const std::string& dir, const std::string& committed, const std::vector<Message>& messages,
                const std::string& extra_config = "") {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    Sink sink(Sink::config_for(dir, extra_config));
    const bool ok = sink.restore(committed).ok() && sink.write(messages).ok() && sink.flush().ok();
    if (!ok) ::_exit(2);
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE_MESSAGE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL), "the run in the child failed");
}

// The sink goes on from the commit: a new row `value` follows the committed rows directly.
void check_continues_after_commit(Sink& sink, const TempDir& dir, const std::string& value) {
  REQUIRE(sink.write({schema_of("s", {"a"}, false), record("s", R"({"a":)" + value + "}")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == std::string(kCommitted) + value + "\r\n");
}

std::vector<std::string> cut_copies(const TempDir& dir) {
  std::vector<std::string> copies;
  for (const auto& name : list_dir(dir.path().string())) {
    if (name.find(".cut-") != std::string::npos) copies.push_back(name);
  }
  return copies;
}

}  // namespace

TEST_CASE("restore truncates what a killed run wrote after the commit and says how much it discarded") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  killed_run(dir.path().string(), committed, {schema_of("s", {"a"}, false), record("s", R"({"a":2})")});
  REQUIRE(read_file(dir / "s.csv") == std::string(kCommitted) + "2\r\n");

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(read_file(dir / "s.csv") == kCommitted);
  CHECK(sink.logged("WARN", "discarding the last 3 bytes of " + dir.path().string() + "/s.csv"));
  CHECK(sink.logged("WARN", "written after the last commit by a run that did not finish"));
  CHECK(cut_copies(dir).empty());  // the sink's own uncommitted rows: the source sends them again
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});  // the journal went too
  check_continues_after_commit(sink, dir, "9");
}

TEST_CASE("restore cuts bytes someone appended after the commit, says so, and keeps them in a copy") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  write_file(dir / "s.csv", std::string(kCommitted) + "x\n");  // echo x >> s.csv

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(read_file(dir / "s.csv") == kCommitted);
  CHECK(sink.logged("WARN", dir.path().string() + "/s.csv has 2 bytes after its committed length (8 bytes on disk, "
                                                  "6 committed) that this sink did not write"));
  for (const auto& line : sink.logs()) CHECK(line.find("did not finish") == std::string::npos);
  const auto copies = cut_copies(dir);
  REQUIRE(copies.size() == 1);
  CHECK(copies[0].starts_with("s.csv.cut-"));
  CHECK(read_file(dir / copies[0]) == "x\n");
  check_continues_after_commit(sink, dir, "2");
}

TEST_CASE("restore removes the csv files a killed run created, and leaves every other file alone") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  // A new stream and a new generation of s (its committed file uses another line
  // terminator), both created after the commit.
  killed_run(dir.path().string(), committed,
             {schema_of("late", {"b"}, false), record("late", R"({"b":1})"), schema_of("s", {"a", "b"}, false),
              record("s", R"({"a":2,"b":3})")},
             R"("line_terminator":"lf")");
  REQUIRE(list_dir(dir.path().string()) ==
          std::vector<std::string>{".etl-csv-journal", "late.csv", "s.2.csv", "s.csv"});
  write_file(dir / "notes.csv", "who,what\r\n");  // the user's, not the sink's
  write_file(dir / "keep.txt", "not a csv file");

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"keep.txt", "notes.csv", "s.csv"});
  CHECK(sink.logged("WARN", "removing " + dir.path().string() +
                                "/late.csv: created after the last commit by a run "
                                "that did not finish"));
  CHECK(sink.logged("WARN", "removing " + dir.path().string() + "/s.2.csv"));
  CHECK(sink.logged("INFO", "leaving " + dir.path().string() + "/notes.csv alone"));
  CHECK(read_file(dir / "notes.csv") == "who,what\r\n");
}

TEST_CASE("a file the sink did not create blocks the name it needs: refused with what to do, never overwritten") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kFirstRun);
  write_file(dir / "notes.csv", "who,what\r\n");
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  const Status status = sink.write({schema_of("notes", {"who"}, false), record("notes", R"({"who":"sink"})")});
  CHECK(status.code == ETL_E_INVALID_STATE);
  CHECK(status.message.find("it is not one of this sink's files") != std::string::npos);
  CHECK(status.message.find("Move it out of the output directory and run again") != std::string::npos);
  CHECK(read_file(dir / "notes.csv") == "who,what\r\n");
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

namespace {

// Committed: s.csv with header a,_extra and two rows; `wider` is what a later run writes.
const std::vector<Message> kNarrowRun = {schema_of("s", {"a"}), record("s", R"({"a":1})"),
                                         record("s", R"({"a":2,"b":"x"})")};
const std::vector<Message> kWiderRun = {schema_of("s", {"a"}), record("s", R"({"a":3})"),
                                        schema_of("s", {"a", "b", "c"}), record("s", R"({"a":4,"b":5,"c":6})")};
constexpr const char* kNarrowFile = "a,_extra\r\n1,\r\n2,\"{\"\"b\"\":\"\"x\"\"}\"\r\n";

}  // namespace

TEST_CASE("restore after a killed run that widened the file narrows it back to the committed bytes") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kNarrowRun);
  REQUIRE(read_file(dir / "s.csv") == kNarrowFile);
  killed_run(dir.path().string(), committed, kWiderRun);
  REQUIRE(read_file(dir / "s.csv").starts_with("a,b,c,_extra\r\n1,,,\r\n"));

  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  CHECK(read_file(dir / "s.csv") == kNarrowFile);
  CHECK(sink.logged("WARN", "narrowing " + dir.path().string() +
                                "/s.csv back to its committed header (2 columns, was 4) and length (" +
                                std::to_string(std::string(kNarrowFile).size()) + " bytes, 2 rows)"));
  CHECK(list_dir(dir.path().string()) == std::vector<std::string>{"s.csv"});
  CHECK(sink.checkpoint() == committed);
  // Resumed, the same messages widen it again, to what an uninterrupted run writes.
  REQUIRE(sink.write(kWiderRun).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == "a,b,c,_extra\r\n1,,,\r\n2,,,\"{\"\"b\"\":\"\"x\"\"}\"\r\n3,,,\r\n4,5,6,\r\n");
}

TEST_CASE("restore after a failed run in the same process that widened the file narrows it back") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kNarrowRun);
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(committed).ok());
  REQUIRE(sink.write(kWiderRun).ok());
  REQUIRE(sink.flush().ok());  // widened and on disk, but the host never committed it
  REQUIRE(read_file(dir / "s.csv").starts_with("a,b,c,_extra\r\n"));
  REQUIRE(sink.restore(committed).ok());  // the host's restore at the end of a failed run
  CHECK(read_file(dir / "s.csv") == kNarrowFile);
  CHECK(sink.checkpoint() == committed);
}

TEST_CASE("a widened file that was committed stays widened: restore only cuts what came after the commit") {
  TempDir dir;
  const std::string first = run_sink(dir.path().string(), kNarrowRun);
  const std::string widened = run_sink(dir.path().string(), kWiderRun, first);
  const std::string committed_text = read_file(dir / "s.csv");
  killed_run(dir.path().string(), widened, {schema_of("s", {"a", "b", "c"}), record("s", R"({"a":7})")});
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore(widened).ok());
  CHECK(read_file(dir / "s.csv") == committed_text);
  CHECK(sink.logged("WARN", "discarding the last 6 bytes of " + dir.path().string() + "/s.csv"));
}

TEST_CASE("a header changed outside etlhost is refused at restore, and nothing is changed") {
  TempDir dir;
  const std::string committed = run_sink(dir.path().string(), kNarrowRun);
  const std::string edited = "a,note,_extra\r\n1,,\r\n2,,\"{\"\"b\"\":\"\"x\"\"}\"\r\n";
  write_file(dir / "s.csv", edited);  // someone added a column in a spreadsheet
  Sink sink(Sink::config_for(dir.path().string()));
  const Status status = sink.restore(committed);
  CHECK(status.code == ETL_E_INVALID_STATE);
  CHECK(status.message.find(dir.path().string() +
                            "/s.csv has the header 'a', 'note', '_extra', but the committed "
                            "checkpoint says 'a', '_extra', and no run of this sink widened it") != std::string::npos);
  CHECK(read_file(dir / "s.csv") == edited);
}
