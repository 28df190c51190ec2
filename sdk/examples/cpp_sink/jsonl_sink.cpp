// jsonl: an etlhost sink in C++17 on plugin.hpp. It appends each RECORD as one line to
// <output_dir>/<stream>.jsonl, and is EXACTLY ONCE across crashes when the host runs with
// a state file:
//
// - checkpoint() returns the length every file will have once written out, e.g.
//   {"files":{"orders.jsonl":1234}}. The host stores it next to the source's STATE, and
//   commits that pair only after flush() said the bytes are on disk.
// - restore(checkpoint) cuts every file back to its committed length and deletes .jsonl
//   files the checkpoint does not know: both hold records of a run that died before its
//   commit, which the source sends again because its committed state predates them.
//
//   etlhost run fibonacci to jsonl --set jsonl.output_dir=out --state fib.state
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "etlhost/plugin.hpp"

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail_io(const std::string& what, const fs::path& path) {
  const int code = errno;
  throw etl::Error(ETL_E_IO, what + " " + path.string() + ": " + std::strerror(code), code);
}

// One output file: the bytes the kernel has, plus a buffer of bytes it does not have yet.
struct File {
  int fd = -1;           // opened on the first write-out
  uint64_t written = 0;  // bytes in the file
  std::string buffer;    // bytes to append at the next write-out
  bool dirty = false;    // changed since the last fsync
};

// The config, one member per key, filled by kConfig.read() from what the host validated.
struct JsonlSettings {
  std::string output_dir;
};

// The config table: one line per key gives the spec (default included: the host fills it
// in before create(), so it is written nowhere else) and the reading into JsonlSettings.
constexpr etl::ConfigMap kConfig{{
    etl::string_key<&JsonlSettings::output_dir>("output_dir",
                                                "Directory of the <stream>.jsonl files; created if missing. The sink "
                                                "owns the .jsonl files in it: restore removes those the committed "
                                                "checkpoint does not list.")
        .defaults_to("output"),
}};

class JsonlSink final : public etl::Sink {
 public:
  // create(): check the config, touch no file yet (the host restores before writing).
  JsonlSink(const etl::Host& host, const etl::Config& config) : host_(host), dir_(kConfig.read(config).output_dir) {
    if (dir_.empty())
      throw etl::Error(ETL_E_INVALID_ARGUMENT, "config key 'output_dir': expected a directory, found \"\"");
  }
  ~JsonlSink() override { close_all(); }  // destroy(): the host flushed before, if the run went well

  // Called before the first write() with the committed checkpoint (empty: there is none,
  // so adopt the files as they are), and again after a failed run, which drops the buffers.
  void restore(std::string_view checkpoint) override {
    close_all();
    try {
      restore_files(checkpoint);
    } catch (const fs::filesystem_error& e) {
      throw etl::Error(ETL_E_IO, e.what(), e.code().value());
    }
    restored_ = true;
    flush();  // the cuts and removals are durable before anything new counts
  }

  void write(const etl::Messages& batch) override {
    if (!restored_) throw etl::Error(ETL_E_INVALID_STATE, "write() before restore(): the call order is broken");
    for (const etl::Message message : batch) {
      if (message.kind == ETL_MSG_RECORD) {
        const std::string name = std::string(message.stream) + ".jsonl";  // the host checked the name
        File& file = files_[name];
        file.buffer.append(message.json).push_back('\n');  // a RECORD's JSON never holds a raw LF
        if (file.buffer.size() >= (1u << 20)) write_out(name, file);
      } else if (message.kind != ETL_MSG_SCHEMA && message.kind != ETL_MSG_STATE) {
        // SCHEMA and STATE need nothing here; an unknown kind must be refused, not ignored.
        throw etl::Error(ETL_E_INVALID_DATA, "unknown message kind " + std::to_string(message.kind));
      }
    }
  }

  // Where the files end after everything written so far, buffers included. Owned by the
  // instance (kept in a member) as the ABI asks; durable only after the next flush().
  std::string_view checkpoint() override {
    nlohmann::json files = nlohmann::json::object();
    for (const auto& [name, file] : files_) files[name] = file.written + file.buffer.size();
    checkpoint_ = nlohmann::json{{"files", files}}.dump();
    return checkpoint_;
  }

  // The durability barrier: the host commits state only after this returns.
  void flush() override {
    for (auto& [name, file] : files_) {
      write_out(name, file);
      if (file.dirty && ::fsync(file.fd) != 0) fail_io("cannot fsync", dir_ / name);
      file.dirty = false;
    }
    if (sync_dir_) {  // created or removed files: their directory entries must be durable too
      const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      const bool ok = fd >= 0 && ::fsync(fd) == 0;
      if (fd >= 0) ::close(fd);
      if (!ok) fail_io("cannot fsync", dir_);
      sync_dir_ = false;
    }
  }

 private:
  void restore_files(std::string_view checkpoint) {
    fs::create_directories(dir_);
    std::map<std::string, uint64_t> committed;
    if (!checkpoint.empty()) {
      const auto json = nlohmann::json::parse(checkpoint, nullptr, false);
      if (!json.is_object() || !json.contains("files") || !json["files"].is_object()) {
        throw etl::Error(ETL_E_INVALID_STATE, "jsonl checkpoint: expected {\"files\":{...}}");
      }
      committed = json["files"].get<std::map<std::string, uint64_t>>();
    }
    for (const auto& [name, length] : committed) {  // check everything before changing anything
      std::error_code error;
      const uintmax_t size = fs::file_size(dir_ / name, error);
      if (error || size < length) {
        throw etl::Error(ETL_E_INVALID_STATE, (dir_ / name).string() + " is missing or shorter than its " +
                                                  std::to_string(length) +
                                                  " committed bytes: it was changed "
                                                  "outside etlhost. Nothing was changed; put the file back.");
      }
    }
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".jsonl" || !entry.is_regular_file()) continue;
      const auto it = committed.find(name);
      if (checkpoint.empty()) {
        files_[name].written = entry.file_size();  // no state yet: keep what is there, append
      } else if (it == committed.end()) {
        host_.warn("removing " + entry.path().string() + ": created after the last commit");
        fs::remove(entry.path());
        sync_dir_ = true;
      } else {
        File& file = files_[name];
        file.written = it->second;
        if (entry.file_size() > it->second) {
          host_.warn("cutting " + entry.path().string() + " back to its " + std::to_string(it->second) +
                     " committed bytes (the rest is from an interrupted run)");
          open(name, file);
          if (::ftruncate(file.fd, static_cast<off_t>(it->second)) != 0) fail_io("cannot truncate", entry.path());
          file.dirty = true;
        }
      }
    }
  }

  void open(const std::string& name, File& file) {
    if (file.fd >= 0) return;
    file.fd = ::open((dir_ / name).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (file.fd < 0) fail_io("cannot open", dir_ / name);
    sync_dir_ = sync_dir_ || file.written == 0;  // possibly a new directory entry
  }

  void write_out(const std::string& name, File& file) {
    if (file.buffer.empty()) return;
    open(name, file);
    for (size_t done = 0; done < file.buffer.size();) {  // pwrite at our own offset: no seek state
      const ssize_t n = ::pwrite(file.fd, file.buffer.data() + done, file.buffer.size() - done,
                                 static_cast<off_t>(file.written + done));
      if (n < 0 && errno != EINTR) fail_io("cannot write", dir_ / name);
      if (n > 0) done += static_cast<size_t>(n);
    }
    file.written += file.buffer.size();
    file.buffer.clear();
    file.dirty = true;
  }

  void close_all() {
    for (auto& [name, file] : files_) {
      if (file.fd >= 0) ::close(file.fd);
    }
    files_.clear();
    restored_ = false;
  }

  etl::Host host_;
  fs::path dir_;
  std::map<std::string, File> files_;  // by file name; ordered, so checkpoints read well
  std::string checkpoint_;
  bool restored_ = false;
  bool sync_dir_ = false;
};

}  // namespace

ETL_DEFINE_SINK_PLUGIN(JsonlSink, "jsonl", "1.0.0",
                       "Writes one JSON Lines file per stream, exactly once across crashes (an SDK example in C++).",
                       kConfig)
