// The state file: what a run resumes from. Holds the last committed pair (source state,
// sink checkpoint) in an envelope:
//   {"etlhost_state":1,"source":"demo","state":{...},"sink":"csv",
//    "sink_checkpoint":{...}|null,"identity":{"source":{...}|null,"sink":{...}|null},
//    "committed_at":"2026-11-26T06:00:00.123Z"}
// "identity" (ABI 1.2, run_identity.h) is absent in files of older etlhost versions.
// A file without "etlhost_state" is a plain Singer state (tap-fullstory's
// {"events":"..."}): the whole value is the source state, with no sink checkpoint. A Singer
// STATE message line ({"type":"STATE","value":...}, what a target prints) stands for its
// value.
//
// A run holds an exclusive flock on FILE.lock throughout, and commits by writing
// FILE.tmp, fsync, rename over FILE, fsync of the directory: a crash at any point leaves
// either the old or the new state, never a torn one.
//
// FILE must be a regular file or not exist yet (a first run; its directory must exist).
// Anything else (a device, a FIFO, a directory, a socket) is refused before the lock file
// is made and is never opened in a way that blocks, nor written. A symbolic link is
// followed to its final target, and the target is what is locked and replaced: the link
// survives, and runs through two names of one file exclude each other.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "logger.h"

namespace etlhost {

struct StoredState {
  enum class Format { kMissing, kEnvelope, kSingerState, kStateMessage };
  Format format = Format::kMissing;
  /// The source state as the exact JSON text committed; nullopt on a first run.
  std::optional<std::string> source_state;
  /// The sink checkpoint as the exact JSON text committed; nullopt when none applies.
  std::optional<std::string> sink_checkpoint;
  /// The envelope's "identity" member as its JSON text; nullopt when it has none.
  std::optional<std::string> identity;
};

/// Interprets the text of a state file for a run of `source_name` -> `sink_name`.
/// Throws HostError(exit 7) for invalid JSON or an envelope of another source; an envelope
/// of another sink loses its checkpoint with a warning on `logger`.
StoredState parse_state_text(std::string_view text, const std::string& path, const std::string& source_name,
                             const std::string& sink_name, Logger& logger);

/// The envelope text for a commit (one line, newline-terminated). `source_state` and
/// `sink_checkpoint` must be valid JSON text (or nullopt for null).
/// `identity`: the "identity" member's JSON text, or nullopt to write none.
std::string make_state_envelope(const std::string& source_name, std::optional<std::string_view> source_state,
                                const std::string& sink_name, std::optional<std::string_view> sink_checkpoint,
                                const std::string& committed_at,
                                std::optional<std::string_view> identity = std::nullopt);

/// The state of a run that never writes it (tap mode: the orchestrator keeps the state):
/// `path` read whole, unlocked, nothing created beside it; a pipe is fine. Accepts every
/// shape parse_state_text does; a sink checkpoint in it is not used. An empty file is a
/// first run; a missing one throws HostError(exit 7), as does anything parse_state_text refuses.
StoredState read_input_state(const std::string& path, const std::string& source_name, const std::string& sink_name,
                             Logger& logger);

class StateStore {
 public:
  /// Resolves `path` (see above) and takes the exclusive lock on TARGET.lock. Throws
  /// HostError(exit 7) for a path that is not a regular file, when another run holds the
  /// lock, or when the lock file cannot be created.
  explicit StateStore(std::string path);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  /// The path as given, for messages.
  const std::string& path() const { return path_; }

  /// Reads the file (a missing file is a first run). Throws HostError(exit 7).
  StoredState read(const std::string& source_name, const std::string& sink_name, Logger& logger) const;

  /// The "identity" member (JSON text) every later commit writes (run_identity.h).
  void set_identity(std::string identity_json) { identity_ = std::move(identity_json); }

  /// Commits atomically. Throws HostError(exit 7); the old state then stays in place.
  void commit(const std::string& source_name, std::optional<std::string_view> source_state,
              const std::string& sink_name, std::optional<std::string_view> sink_checkpoint);

 private:
  std::string path_;
  std::string target_;  // the file read and replaced: path_ with every symbolic link followed
  int lock_fd_ = -1;
  std::optional<std::string> identity_;
};

}  // namespace etlhost
