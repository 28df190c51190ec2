// input_file.h: the one routine that reads the files named on the command line (--config,
// --sink-config, --catalog, --state): whole, capped at kMaxInputFileBytes, and only from a
// regular file (or, where allowed, a pipe), so that `--config /dev/zero` cannot fill memory
// and `--state some-fifo` cannot hang the run.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace etlhost {

/// The most etlhost reads of one config, catalog or state file: far beyond any real one
/// (they are kilobytes), small enough that a wrong path cannot exhaust memory.
inline constexpr size_t kMaxInputFileBytes = size_t{64} << 20;

/// Whether a pipe may stand for the file: yes for config and catalog (`--config <(...)`),
/// no for the state, which is replaced on every commit.
enum class PipeInput { kAllowed, kRefused };

struct InputFile {
  std::string path;
  std::string what;  // names the file in messages: "state file s.json", "catalog file c.json (--catalog)"
  int exit_code;     // of every HostError thrown for it
  PipeInput pipes;
};

/// The whole content, or nullopt when `file.path` does not exist. Throws
/// HostError(file.exit_code) for anything but a regular file (or an allowed pipe), for more
/// than kMaxInputFileBytes, and for a read error. A character device is refused unopened.
std::optional<std::string> read_input_file(const InputFile& file);

/// What a file is, for messages: "a directory", "a character device", "a FIFO", ...
std::string file_type_name(mode_t mode);

}  // namespace etlhost
