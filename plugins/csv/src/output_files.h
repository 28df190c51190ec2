// The files the sink owns in its output directory and their logical lengths: what a
// checkpoint lists, what restore() brings back, and what flush() makes durable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/plugin.hpp"
#include "output_dir.h"
#include "restore_plan.h"
#include "run_journal.h"
#include "sink_config.h"
#include "stream_file.h"
#include "stream_schema.h"

namespace etl_csv {

class OutputFiles {
 public:
  OutputFiles(const etl::Host& host, const SinkConfig& config);
  /// Ending cleanly: the run's journal goes (everything it wrote was restored or committed).
  ~OutputFiles();
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  /// Brings the directory back to `checkpoint_text` (see etl_sink_api.restore and the
  /// README): empty keeps every *.csv as it is and owns it from its current length on;
  /// otherwise longer files are truncated, unlisted ones removed. Buffered, unwritten
  /// output is discarded first. Durable when it returns (if fsync is on).
  void restore(std::string_view checkpoint_text);

  /// --full-refresh: removes every *.csv in the directory and the journal, durably (if
  /// fsync is on), before the first restore. Returns the paths removed.
  std::vector<std::string> reset();

  /// The file new rows of `stream` go to, opened, its header known: the newest generation
  /// if its header has every column of `schema` and the configured line terminator; else
  /// that file widened (rewritten with the missing columns, see README "Widening"); else,
  /// when it cannot be widened, a new generation with the schema's header.
  StreamFile& file_for_stream(std::string_view stream, const StreamSchema& schema);

  /// The checkpoint JSON for everything written so far. Valid until the next call.
  std::string_view checkpoint();

  /// Writes every buffer out; fsyncs touched files and the directory (if fsync is on).
  void flush();

 private:
  struct Entry {
    uint64_t length = 0;               // the length while the file is not open
    FileColumns columns;               // its header while the file is not open; empty: none known
    std::unique_ptr<StreamFile> open;  // set once the sink writes to it in this run
    uint64_t current_length() const { return open ? open->logical_length() : length; }
    const FileColumns* known_columns() const;
  };
  // A rewrite of a file (a narrowing at restore) written and synced, not yet renamed over it.
  struct PreparedRewrite {
    std::string name;
    std::unique_ptr<StreamFile> file;
  };

  void close_all_discarding_buffers();
  void own_existing_files_as_they_are();
  void refuse_to_append_without_checkpoint(const FileSizes& existing) const;
  void refuse_other_delimiter(const std::string& path, const FileColumns& on_disk,
                              const std::vector<std::string>& expected) const;
  void apply_checkpoint(std::string_view checkpoint_text);
  FileHeaders headers_on_disk(const Checkpoint& committed, const FileSizes& on_disk) const;
  void remove_rewrite_leftovers(const RunJournalEntries& journal);
  std::vector<PreparedRewrite> prepare_narrowings(const std::vector<RestorePlan::Narrowing>& narrowings);
  PreparedRewrite prepare_narrowing(const RestorePlan::Narrowing& narrowing);
  void finish_rewrites(std::vector<PreparedRewrite>& rewrites);
  void learn_headers();
  void cut_uncommitted_bytes(const RestorePlan::Truncation& cut);
  uint32_t newest_generation(std::string_view stream) const;
  StreamFile& open_file(const std::string& name, Entry& entry);
  StreamFile& create_file(const std::string& name, const std::vector<std::string>& header);
  bool header_fits(const StreamFile& file, const std::vector<std::string>& wanted_header) const;
  std::string why_not_widen(const StreamFile& file) const;
  StreamFile* widen(const std::string& name, const StreamSchema& schema, std::string& problem);
  std::unique_ptr<StreamFile> create_rewrite_temp(const std::string& name);
  std::string header_line(const std::vector<std::string>& header) const;
  void write_header(StreamFile& file, const std::vector<std::string>& header);

  etl::Host host_;
  const SinkConfig& config_;
  OutputDir dir_;
  RunJournal journal_;
  std::map<std::string, Entry, std::less<>> files_;
  bool dir_unsynced_ = false;
  bool restored_ = false;  // a later restore("") follows this run's own failure: no guard then
  std::string checkpoint_text_;
};

}  // namespace etl_csv
