// Exactly once across SIGKILL: a simulated host runs the sink in a child process that is
// killed at every step of the run in turn (before restore, before the baseline commit,
// between a write and a flush, between a flush and the commit, during a generation switch,
// after the write buffer spilled to disk...). Resuming from the committed state file must
// then produce files byte-identical to an uninterrupted run.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "csv_support.h"

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

/// Demo-like rows: quotes, commas, line breaks, UTF-8, nulls, nested values, big numbers;
/// `orders` gains a column at `schema_change_at` (0: never). `padding` makes rows wide.
Script make_script(int records, int state_every, size_t batch_size, int schema_change_at, size_t padding) {
  static const char* const kNotes[] = {"plain",
                                       "comma, inside",
                                       "quote \\\"inside\\\"",
                                       "line\\nbreak\\r\\ncrlf",
                                       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89",
                                       ""};
  const std::string pad(padding, 'p');
  Script script{{}, batch_size};
  auto& out = script.messages;
  out.push_back(schema_of("customers", {"id", "name", "note", "tags", "address", "pad"}));
  out.push_back(schema_of("orders", {"id", "customer_id", "amount"}, false));
  for (int i = 1; i <= records; ++i) {
    if (i == schema_change_at) out.push_back(schema_of("orders", {"id", "customer_id", "amount", "currency"}, false));
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
                                            "\",\"vip\":" + (i % 2 == 0 ? "true" : "false") + "}"));
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
