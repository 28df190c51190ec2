#include "state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "exit_codes.h"
#include "fd_write.h"
#include "host_error.h"
#include "input_file.h"
#include "json_members.h"
#include "text_util.h"

namespace etlhost {

namespace {

[[noreturn]] void fail(const std::string& message) { throw HostError(exit_code::kStateFile, message); }

std::string errno_text() { return std::strerror(errno); }

// Symbolic links followed before giving up, as many as the kernel follows (ELOOP).
constexpr int kMaxSymlinkHops = 40;

// The path as given and, when a link led elsewhere, where to: for messages.
std::string named(const std::string& path, const std::filesystem::path& target) {
  return target == path ? path : path + " (a symbolic link to " + target.string() + ")";
}

// A first run creates the file next to its lock, so the directory must be there already.
void require_directory(const std::string& path, const std::filesystem::path& target) {
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    fail("state file " + named(path, target) + " does not exist and cannot be created: " + dir.string() +
         " is not an existing directory; create it first");
  }
}

// What --state `path` reads and replaces: the final target of any symbolic links, which
// must be a regular file or not exist yet. Decided with lstat alone: nothing is opened.
std::string resolve_state_target(const std::string& path) {
  std::filesystem::path target = path;
  for (int hops = 0;; ++hops) {
    struct stat info {};
    if (::lstat(target.c_str(), &info) != 0) {
      if (errno != ENOENT) fail("cannot inspect state file " + named(path, target) + ": " + errno_text());
      require_directory(path, target);
      return target.string();
    }
    if (S_ISREG(info.st_mode)) return target.string();
    if (!S_ISLNK(info.st_mode)) {
      fail("state file " + named(path, target) + " is " + file_type_name(info.st_mode) +
           ", not a regular file; etlhost replaces the state file at every commit, so give --state the path of a "
           "regular file (or of one that does not exist yet). It was left untouched.");
    }
    if (hops == kMaxSymlinkHops) {
      fail("state file " + path + " leads through more than " + std::to_string(kMaxSymlinkHops) +
           " symbolic links (a loop?)");
    }
    std::error_code error;
    const std::filesystem::path next = std::filesystem::read_symlink(target, error);
    if (error) fail("cannot read the symbolic link " + target.string() + " (--state " + path + "): " + error.message());
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
}

std::optional<std::string> text_or_null(std::optional<std::string_view> member) {
  if (!member) return std::nullopt;
  const std::string_view trimmed = trim_json_space(*member);
  if (trimmed == "null") return std::nullopt;
  return std::string(trimmed);
}

// {"type":"STATE","value":...} and nothing else: a Singer STATE message.
bool is_state_message(const nlohmann::json& value) {
  return value.is_object() && value.size() == 2 && value.contains("value") && value.contains("type") &&
         value["type"] == "STATE";
}

}  // namespace

StoredState parse_state_text(std::string_view text, const std::string& path, const std::string& source_name,
                             const std::string& sink_name, Logger& logger) {
  StoredState state;
  const std::string_view trimmed = trim_json_space(text);
  if (trimmed.empty()) {
    logger.warn("state file " + path + " is empty; starting as a first run");
    return state;
  }
  nlohmann::json value;
  try {
    // The source's state is kept verbatim, never re-serialised: a big integer in it is the
    // source's business.
    value = parse_bounded<nlohmann::json>(trimmed, BigIntegers::kAllowed);
  } catch (const nlohmann::json::parse_error& error) {
    fail("state file " + path + " is not valid JSON: " + error.what() +
         ". Fix or remove it (removing it starts from scratch).");
  } catch (const JsonRefused& error) {
    fail("state file " + path + " is not a state etlhost or a source wrote: " + error.what() +
         ". Fix or remove it (removing it starts from scratch).");
  }
  if (is_state_message(value)) {
    // What a target prints (users feed back its last STATE line): the value is the state.
    state.format = StoredState::Format::kStateMessage;
    state.source_state = text_or_null(top_level_member_text(trimmed, "value"));
    return state;
  }
  if (!value.is_object() || !value.contains("etlhost_state")) {
    // A plain Singer state: the whole value belongs to the source, byte for byte.
    state.format = StoredState::Format::kSingerState;
    if (!value.is_null()) state.source_state = std::string(trimmed);
    return state;
  }

  state.format = StoredState::Format::kEnvelope;
  const auto& version = value["etlhost_state"];
  if (!version.is_number_integer() || version.get<int64_t>() != 1) {
    fail("state file " + path + " has \"etlhost_state\": " + abbreviate(version.dump(), excerpt::kScalar) +
         "; this etlhost understands version 1 only");
  }
  if (!value.contains("source") || !value["source"].is_string()) {
    fail("state file " + path + " is an etlhost state envelope without a \"source\" name");
  }
  const std::string envelope_source = value["source"].get<std::string>();
  if (envelope_source != source_name) {
    fail("state file " + path + " holds the state of source '" + envelope_source + "', but this run's source is '" +
         source_name + "'; use a separate --state file per source");
  }
  state.source_state = text_or_null(top_level_member_text(trimmed, "state"));

  const std::string envelope_sink = value.contains("sink") && value["sink"].is_string()
                                        ? value["sink"].get<std::string>()
                                        : std::string();
  auto checkpoint = text_or_null(top_level_member_text(trimmed, "sink_checkpoint"));
  if (envelope_sink != sink_name) {
    if (checkpoint) {
      logger.warn("state file " + path + " holds a checkpoint of sink '" + envelope_sink + "', not of '" + sink_name +
                  "'; ignoring it (the sink starts without a checkpoint, the source resumes from the committed state)");
    }
    checkpoint.reset();
  }
  state.sink_checkpoint = std::move(checkpoint);
  state.identity = text_or_null(top_level_member_text(trimmed, "identity"));
  return state;
}

std::string make_state_envelope(const std::string& source_name, std::optional<std::string_view> source_state,
                                const std::string& sink_name, std::optional<std::string_view> sink_checkpoint,
                                const std::string& committed_at, std::optional<std::string_view> identity) {
  // Built as text so the source's state and the sink's checkpoint stay byte for byte what
  // the plugins produced (a re-serialization could reformat numbers).
  std::string text = "{\"etlhost_state\":1,\"source\":" + json_quote(source_name) + ",\"state\":";
  text += source_state ? trim_json_space(*source_state) : std::string_view("null");
  text += ",\"sink\":" + json_quote(sink_name) + ",\"sink_checkpoint\":";
  text += sink_checkpoint ? trim_json_space(*sink_checkpoint) : std::string_view("null");
  if (identity) text += ",\"identity\":" + std::string(trim_json_space(*identity));
  text += ",\"committed_at\":" + json_quote(committed_at) + "}\n";
  return text;
}

StoredState read_input_state(const std::string& path, const std::string& source_name, const std::string& sink_name,
                             Logger& logger) {
  const auto text = read_input_file(
      InputFile{path, "state file " + path + " (--state)", exit_code::kStateFile, PipeInput::kAllowed});
  if (!text) {
    fail("state file " + path +
         " (--state) does not exist; etlhost only reads this state (the orchestrator keeps it), so it never "
         "creates the file: for a first run give an empty file or leave --state out");
  }
  // A checkpoint says how far a sink's output was committed; output this run does not
  // commit has none to return to.
  StoredState state = parse_state_text(*text, path, source_name, sink_name, logger);
  state.sink_checkpoint.reset();
  return state;
}

StateStore::StateStore(std::string path) : path_(std::move(path)), target_(resolve_state_target(path_)) {
  const std::string lock_path = target_ + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) fail("cannot create lock file " + lock_path + " for state file " + path_ + ": " + errno_text());
  // The lock file is never deleted: removing it while another process waits on it would
  // let two runs hold "the" lock at once.
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (error == EWOULDBLOCK) {
      fail("another etlhost run is using state file " + path_ + " (it holds " + lock_path + ")");
    }
    fail("cannot lock " + lock_path + ": " + std::strerror(error));
  }
}

StateStore::~StateStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

StoredState StateStore::read(const std::string& source_name, const std::string& sink_name, Logger& logger) const {
  const auto text = read_input_file(
      InputFile{target_, "state file " + named(path_, target_), exit_code::kStateFile, PipeInput::kRefused});
  if (!text) return StoredState{};
  return parse_state_text(*text, path_, source_name, sink_name, logger);
}

void StateStore::commit(const std::string& source_name, std::optional<std::string_view> source_state,
                        const std::string& sink_name, std::optional<std::string_view> sink_checkpoint) {
  const std::string text = make_state_envelope(source_name, source_state, sink_name, sink_checkpoint,
                                               utc_timestamp_now(), identity_);
  const std::string tmp_path = target_ + ".tmp";
  const auto give_up = [&](const std::string& step) {
    const std::string reason = errno_text();
    ::unlink(tmp_path.c_str());
    fail("cannot commit state file " + path_ + ": " + step + ": " + reason + " (the previous state is unchanged)");
  };

  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) give_up("create " + tmp_path);
  if (!write_all(fd, text)) {
    ::close(fd);
    give_up("write " + tmp_path);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    give_up("fsync " + tmp_path);
  }
  if (::close(fd) != 0) give_up("close " + tmp_path);
  if (::rename(tmp_path.c_str(), target_.c_str()) != 0) give_up("rename " + tmp_path);

  // The rename is durable only once the directory entry is.
  std::filesystem::path dir = std::filesystem::path(target_).parent_path();
  if (dir.empty()) dir = ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) fail("cannot commit state file " + path_ + ": open directory " + dir.string() + ": " + errno_text());
  const bool synced = ::fsync(dir_fd) == 0 || errno == EINVAL;  // some filesystems cannot fsync a directory
  const std::string reason = synced ? std::string() : errno_text();
  ::close(dir_fd);
  if (!synced) fail("cannot commit state file " + path_ + ": fsync directory " + dir.string() + ": " + reason);
}

}  // namespace etlhost
