// Exactly once across SIGKILL: a simulated host runs the sink in a child process that is
// killed at every step of the run in turn (before restore, before the baseline commit,
// between a write and a flush, between a flush and the commit, during a generation switch,
// after the write buffer spilled to disk...). Resuming from the committed state file must
// then produce files byte-identical to an uninterrupted run. Schemas that gain columns widen
// the files; a run is also killed by the test from outside while it rewrites a file (a
// widening, or restore's narrowing back to the commit).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "csv_support.h"
#include "csv_table.h"

using namespace csv_test;

namespace {

/// The whole message stream of a source, and how it resumes from a committed position:
/// STATE carries the index of the next message; a resumed run first re-sends the SCHEMA in
/// force for each stream, as a real source does at the start of sync().
struct Script {
  std::vector<Message> messages;
  size_t batch_size;

  std::vector<std::vector<Message>> batches_from(size_t position) const {
    std::map<std::string, Message> schemas;
    for (size_t i = 0; i < position; ++i) {
      if (messages[i].kind == ETL_MSG_SCHEMA) schemas.insert_or_assign(messages[i].stream, messages[i]);
    }
    std::vector<std::vector<Message>> batches(1);
    for (const auto& [stream, message] : schemas) batches.back().push_back(message);
    for (size_t i = position; i < messages.size(); ++i) {
      batches.back().push_back(messages[i]);
      // A STATE ends its batch, as etl::Emitter::state() does.
      if (messages[i].kind == ETL_MSG_STATE || batches.back().size() >= batch_size) batches.emplace_back();
    }
    return batches;
  }
};

/// The customers SCHEMA with `grown` more properties g1..g<grown> before "pad".
Message customers_schema(int grown) {
  std::vector<std::string> properties{"id", "name", "note", "tags", "address"};
  for (int k = 1; k <= grown; ++k) properties.push_back("g" + std::to_string(k));
  properties.push_back("pad");
  return schema_of("customers", properties);
}

/// Demo-like rows: quotes, commas, line breaks, UTF-8, nulls, nested values, big numbers;
/// `orders` gains a column at `schema_change_at` (0: never). `padding` makes rows wide.
/// With `grow_every`, the customers schema gains a property g<k> every `grow_every`
/// records (a widening each time), which the customers records carry from then on.
Script make_script(int records, int state_every, size_t batch_size, int schema_change_at, size_t padding,
                   int grow_every = 0) {
  static const char* const kNotes[] = {"plain",
                                       "comma, inside",
                                       "quote \\\"inside\\\"",
                                       "line\\nbreak\\r\\ncrlf",
                                       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89",
                                       ""};
  const std::string pad(padding, 'p');
  Script script{{}, batch_size};
  auto& out = script.messages;
  out.push_back(customers_schema(0));
  out.push_back(schema_of("orders", {"id", "customer_id", "amount"}, false));
  int grown = 0;
  for (int i = 1; i <= records; ++i) {
    if (i == schema_change_at) out.push_back(schema_of("orders", {"id", "customer_id", "amount", "currency"}, false));
    if (grow_every > 0 && i % grow_every == 0) out.push_back(customers_schema(++grown));
    const std::string grown_field = grown > 0 ? ",\"g" + std::to_string(grown) + "\":" + std::to_string(i) : "";
    const std::string id = std::to_string(i);
    if (i % 3 == 0) {
      out.push_back(
          record("orders", "{\"id\":" + id + ",\"customer_id\":" + std::to_string(i / 3) + ",\"amount\":9007199254740" +
                               std::to_string(900 + i % 100) +
                               (i >= schema_change_at && schema_change_at > 0 ? ",\"currency\":\"EUR\"" : "") + "}"));
    } else {
      const std::string note = i % 7 == 6 ? "null" : std::string("\"") + kNotes[i % 6] + "\"";
      out.push_back(record("customers", "{\"id\":" + id + ",\"name\":\"Customer " + id + "\",\"note\":" + note +
                                            ",\"tags\":[\"t" + std::to_string(i % 5) +
                                            "\",\"all\"],\"address\":{"
                                            "\"city\":\"City " +
                                            id + "\",\"zip\":\"0" + id + "\"},\"pad\":\"" + pad +
                                            "\",\"vip\":" + (i % 2 == 0 ? "true" : "false") + grown_field + "}"));
    }
    if (i % state_every == 0 || i == records) out.push_back(state(std::to_string(out.size() + 1)));
  }
  return script;
}

/// The host's state file: the source position and the sink checkpoint, committed together.
struct Committed {
  size_t position = 0;
  std::string checkpoint;
};

std::optional<Committed> load_state(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Committed committed;
  in >> committed.position;
  in.get();
  std::getline(in, committed.checkpoint, '\0');
  return committed;
}

void commit_state(const std::string& path, size_t position, const std::string& checkpoint) {
  {
    std::ofstream out(path + ".tmp", std::ios::binary | std::ios::trunc);
    out << position << '\n' << checkpoint;
  }
  std::filesystem::rename(path + ".tmp", path);  // atomic, like the host's commit
}

/// One run of the simulated host. Raises SIGKILL when step `kill_at` is reached.
void host_run(const Script& script, const std::string& out_dir, const std::string& state_path, int kill_at) {
  int step = 0;
  auto checkpoint_here = [&] {
    if (step++ == kill_at) raise(SIGKILL);
  };
  const std::optional<Committed> committed = load_state(state_path);
  Sink sink(Sink::config_for(out_dir));
  checkpoint_here();
  const Status restored = sink.restore(committed ? committed->checkpoint : "");
  REQUIRE_MESSAGE(restored.ok(), restored.message);
  checkpoint_here();
  auto commit = [&](size_t position) {
    const std::string checkpoint = sink.checkpoint();
    REQUIRE(sink.flush().ok());
    checkpoint_here();
    commit_state(state_path, position, checkpoint);
    checkpoint_here();
  };
  const size_t start = committed ? committed->position : 0;
  commit(start);  // the baseline commit the host takes right after restore
  for (const auto& batch : script.batches_from(start)) {
    if (batch.empty()) continue;
    const Status written = sink.write(batch);
    REQUIRE_MESSAGE(written.ok(), written.message);
    checkpoint_here();
    if (batch.back().kind == ETL_MSG_STATE) commit(std::stoul(batch.back().json));
  }
}

/// Runs host_run (to the end) in a child, and kills it with SIGKILL as soon as the parent
/// sees `should_kill()` hold. True when it was killed, false when it ran to the end first.
template <class Predicate>
bool run_in_child_until(const Script& script, const std::string& out_dir, const std::string& state_path,
                        Predicate&& should_kill) {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      host_run(script, out_dir, state_path, -1);
    } catch (...) {
      _exit(2);
    }
    _exit(0);
  }
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (should_kill()) {
      kill(child, SIGKILL);
      REQUIRE(waitpid(child, &status, 0) == child);
      return true;
    }
    std::this_thread::yield();
  }
  REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "the simulated host failed in the child");
  return false;
}

/// Runs host_run in a child; returns true when the child was killed, false when it ran
/// to the end.
bool run_in_child(const Script& script, const std::string& out_dir, const std::string& state_path, int kill_at) {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      host_run(script, out_dir, state_path, kill_at);
    } catch (...) {
      _exit(2);
    }
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  if (WIFSIGNALED(status)) {
    REQUIRE(WTERMSIG(status) == SIGKILL);
    return true;
  }
  REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "the simulated host failed in the child");
  return false;
}

std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& name : list_dir(dir)) files[name] = read_file(dir + "/" + name);
  return files;
}

/// For every step k: kill a run at k, resume to the end, compare with the reference.
void check_every_kill_point(const Script& script) {
  TempDir reference;
  REQUIRE_FALSE(run_in_child(script, reference / "out", reference / "state", -1));
  const auto expected = files_of(reference / "out");
  REQUIRE(expected.size() >= 2);

  bool killed = true;
  int kill_points = 0;
  for (int kill_at = 0; killed; ++kill_at) {
    CAPTURE(kill_at);
    TempDir run;
    killed = run_in_child(script, run / "out", run / "state", kill_at);
    if (killed) {
      ++kill_points;
      REQUIRE_FALSE(run_in_child(script, run / "out", run / "state", -1));
    }
    REQUIRE(files_of(run / "out") == expected);
  }
  MESSAGE(kill_points << " kill points checked");
  CHECK(kill_points > 10);
}

}  // namespace

TEST_CASE("killed at any step, a resumed run writes exactly what an uninterrupted one does") {
  check_every_kill_point(make_script(600, 100, 64, 0, 0));
}

TEST_CASE("killed around a generation switch, the resumed run switches at the same record") {
  check_every_kill_point(make_script(300, 50, 32, 200, 0));
}

TEST_CASE("killed after the write buffer spilled to disk, the spilled rows are cut off again") {
  // ~1 MB between commits: the 256 KiB buffer is written out several times per commit.
  check_every_kill_point(make_script(3000, 1000, 250, 0, 700));
}

TEST_CASE("killed again and again, each resumed run still converges to the same files") {
  const Script script = make_script(600, 60, 40, 250, 0);
  TempDir reference;
  REQUIRE_FALSE(run_in_child(script, reference / "out", reference / "state", -1));
  TempDir run;
  int runs = 0;
  // Each run dies a little later than its predecessor did; eventually one completes.
  for (int kill_at = 3; run_in_child(script, run / "out", run / "state", kill_at); kill_at += 3) ++runs;
  CHECK(runs > 5);
  CHECK(files_of(run / "out") == files_of(reference / "out"));
}

namespace {

// The reference of a growing script: one file per stream, the customers header with every
// property g1..g<grown> before _extra, and every record once.
void check_one_table_per_stream(const std::string& dir, int records, int grown) {
  CHECK(list_dir(dir) == std::vector<std::string>{"customers.csv", "orders.csv"});
  const auto rows = etltest::parse_csv(read_file(dir + "/customers.csv"));
  std::vector<std::string> header;
  for (const auto& cell : rows.at(0)) header.push_back(cell.text);
  std::vector<std::string> expected{"id", "name", "note", "tags", "address", "pad"};
  for (int k = 1; k <= grown; ++k) expected.push_back("g" + std::to_string(k));
  expected.push_back("_extra");
  CHECK(header == expected);
  CHECK(rows.size() == 1 + static_cast<size_t>(records - records / 3));
  for (size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == header.size());
    const int id = std::stoi(rows[i][0].text);
    CHECK(id == static_cast<int>(i + (i - 1) / 2));  // ids 1, 2, 4, 5, 7...: every customer once, in order
  }
}

}  // namespace

TEST_CASE("killed at any step while a schema gains columns, the resumed run widens at the same records") {
  const Script script = make_script(300, 50, 32, 200, 0, 40);
  TempDir reference;
  REQUIRE_FALSE(run_in_child(script, reference / "out", reference / "state", -1));
  check_one_table_per_stream(reference / "out", 300, 7);
  check_every_kill_point(script);
}

TEST_CASE("killed while widening a file, and while restore narrows it back, the resumed run still converges") {
  // ~14 MB of customers before the one widening at record 6000: its rewrite takes a while.
  const Script script = make_script(9000, 1500, 250, 0, 2000, 6000);
  TempDir reference;
  REQUIRE_FALSE(run_in_child(script, reference / "out", reference / "state", -1));
  check_one_table_per_stream(reference / "out", 9000, 1);
  const auto expected = files_of(reference / "out");

  const std::string temp_name = ".customers.csv.rewrite";
  int mid_rewrite = 0, mid_narrowing = 0;
  for (const uint64_t kill_after : {uint64_t{1}, uint64_t{1} << 20, uint64_t{6} << 20}) {
    CAPTURE(kill_after);
    TempDir run;
    const std::string temp = (run / "out") + "/" + temp_name;
    auto temp_has = [&](uint64_t bytes) {
      std::error_code error;
      const auto size = std::filesystem::file_size(temp, error);
      return !error && size >= bytes;
    };
    // Mid-widening: once the rewrite has `kill_after` bytes.
    if (run_in_child_until(script, run / "out", run / "state", [&] { return temp_has(kill_after); })) {
      mid_rewrite += file_exists(temp) ? 1 : 0;
    }
    // Right after a widening (the rewrite renamed over the file, not yet committed), then
    // mid-narrowing in the next run's restore.
    bool seen = false;
    run_in_child_until(script, run / "out", run / "state", [&] {
      seen = seen || file_exists(temp);
      return seen && !file_exists(temp);
    });
    if (run_in_child_until(script, run / "out", run / "state", [&] { return temp_has(kill_after); })) {
      mid_narrowing += file_exists(temp) ? 1 : 0;
    }
    REQUIRE_FALSE(run_in_child(script, run / "out", run / "state", -1));
    REQUIRE(files_of(run / "out") == expected);
  }
  MESSAGE(mid_rewrite << " kills landed mid-widening, " << mid_narrowing << " mid-narrowing");
  CHECK(mid_rewrite >= 1);
  CHECK(mid_narrowing >= 1);
}
