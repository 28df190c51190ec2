// lines: an etlhost source in C++17 on plugin.hpp. It reads the complete lines of a local
// text file into the stream "lines" as records {"line":N,"text":"..."}, and its STATE is
// the byte offset after the last line it emitted, so the next run reads only what was
// appended since (the way `tail -f` follows a log).
//
//   etlhost run lines to jsonl --set lines.path=/var/log/app.log --state lines.state
//
// plugin.hpp turns the C ABI into a class: the constructor is create(), the destructor is
// destroy(), and any exception becomes the callback's etl_status and error message.
#include <filesystem>
#include <fstream>
#include <string>

#include "etlhost/plugin.hpp"

namespace {

constexpr const char* kSchema =
    R"({"schema":{"type":"object","properties":{"line":{"type":"integer"},"text":{"type":"string"}}},)"
    R"("key_properties":["line"],"bookmark_properties":["line"])";

// The config, one member per key, filled by kConfig.read() from what the host validated.
struct LinesSettings {
  std::string path;
};

// The config table: one line per key. From it come the spec the host checks the user's
// config against before create() (with any defaults, which the host fills in) and the
// reading into LinesSettings.
constexpr etl::ConfigMap kConfig{{
    etl::string_key<&LinesSettings::path>("path", "The text file to read, one record per complete line ('\\n').")
        .required()
        .env("LINES_PATH"),
}};

class LinesSource final : public etl::Source {
 public:
  // create(): check the config, open nothing yet (create() also serves to validate a config).
  LinesSource(const etl::Host& host, const etl::Config& config) : host_(host), path_(kConfig.read(config).path) {
    if (path_.empty()) throw etl::Error(ETL_E_INVALID_ARGUMENT, "config key 'path': expected a file name, found \"\"");
  }

  void discover(etl::Emitter& out) override {
    // A Singer catalog entry: the SCHEMA plus metadata saying how the stream replicates.
    out.schema("lines", std::string(kSchema) +
                            R"(,"metadata":[{"breadcrumb":[],"metadata":{"inclusion":"available",)"
                            R"("selected-by-default":true,"table-key-properties":["line"],)"
                            R"("forced-replication-method":"INCREMENTAL","valid-replication-keys":["line"]}}]})");
  }

  void sync(const etl::SyncRequest& request, etl::Emitter& out) override {
    if (!request.selected("lines")) return;  // de-selected in the --catalog file
    uint64_t offset = 0, line = 0;           // where the last committed run stopped
    if (!request.state_json().empty()) {
      const auto state = nlohmann::json::parse(request.state_json(), nullptr, false);
      if (!state.is_object() || !state.value("offset", nlohmann::json()).is_number_unsigned() ||
          !state.value("line", nlohmann::json()).is_number_unsigned()) {
        throw etl::Error(ETL_E_INVALID_STATE, "lines state: expected {\"offset\":N,\"line\":N}");
      }
      offset = state["offset"].get<uint64_t>();
      line = state["line"].get<uint64_t>();
    }
    std::error_code error;
    const uint64_t size = std::filesystem::file_size(path_, error);
    if (error) throw etl::Error(ETL_E_IO, "cannot read " + path_ + ": " + error.message(), error.value());
    if (size < offset) {  // rotated or truncated: the committed offset means nothing now
      throw etl::Error(ETL_E_INVALID_STATE, path_ + " is shorter than the " + std::to_string(offset) +
                                                " bytes already read; start again without the state file");
    }
    std::ifstream in(path_, std::ios::binary);
    if (!in.seekg(static_cast<std::streamoff>(offset))) throw etl::Error(ETL_E_IO, "cannot open " + path_);
    const uint64_t start = offset;
    const auto state = [&] { out.state(nlohmann::json{{"offset", offset}, {"line", line}}.dump()); };
    out.schema("lines", std::string(kSchema) + "}");  // in every run: SCHEMA before the first RECORD
    std::string text;
    // getline() sets eof when the last line has no '\n' yet: it may still be being written,
    // so a later run reads it whole instead of this one emitting half of it.
    while (std::getline(in, text) && !in.eof()) {
      offset += text.size() + 1;
      if (!text.empty() && text.back() == '\r') text.pop_back();  // CRLF files
      // A RECORD is one line of valid UTF-8 JSON: dump() escapes, `replace` mends bad UTF-8.
      out.record("lines", nlohmann::json{{"line", ++line}, {"text", text}}.dump(
                              -1, ' ', false, nlohmann::json::error_handler_t::replace));
      if (line % 1000 == 0) {
        state();                     // every record before it is complete: a safe restart point
        host_.throw_if_cancelled();  // a big file: stop promptly on Ctrl-C
      }
    }
    state();
    host_.count("bytes", static_cast<int64_t>(offset - start));
  }

 private:
  etl::Host host_;
  std::string path_;
};

}  // namespace

ETL_DEFINE_SOURCE_PLUGIN(LinesSource, "lines", "1.0.0",
                         "Reads the lines of a text file, resuming after the last line read (an SDK example in C++).",
                         kConfig)
