// What a run put into the output directory beyond its committed checkpoint, so the next
// restore can tell the leftovers of a run that did not finish from bytes and files that
// someone else put there. Kept in a small file in the directory, `.etl-csv-journal`, one
// line per file ("append NAME" before the sink first writes to an existing file in a run,
// "create NAME" before it creates one, "widen NAME" before it rewrites one with a wider
// header), written ahead of the data (and fsynced when fsync is on). restore() removes it once the directory is back at
// the commit, and so does a sink that ends cleanly; whatever a journal does not name was not written by the sink.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "output_dir.h"

namespace etl_csv {

/// The journal's file name in the output directory (not *.csv, so never one of the outputs).
inline constexpr const char* kRunJournalName = ".etl-csv-journal";

struct RunJournalEntries {
  std::set<std::string, std::less<>> appended;  // existing files the run wrote to
  std::set<std::string, std::less<>> created;   // files the run created
  std::set<std::string, std::less<>> widened;   // files the run rewrote with a wider header

  bool wrote_to(std::string_view name) const { return appended.contains(name) || created.contains(name); }
};

class RunJournal {
 public:
  RunJournal(const OutputDir& dir, bool durable) : dir_(dir), durable_(durable) {}

  /// The journal left by an earlier run (empty when there is none). Throws etl::Error(ETL_E_IO).
  RunJournalEntries read() const;
  /// Records, before the first byte is written, that this run appends to / creates `name`.
  void note_append(const std::string& name) { note("append", name); }
  void note_create(const std::string& name) { note("create", name); }
  void note_widen(const std::string& name) { note("widen", name); }
  /// The directory is at a commit again: forget the journal (whoever wrote it).
  void clear();
  /// The sink ends cleanly: forget the journal this run wrote, if any. Never throws.
  void clear_if_written() noexcept;

 private:
  void note(const char* verb, const std::string& name);

  const OutputDir& dir_;
  bool durable_;
  bool written_ = false;  // this run wrote a journal that clear() must remove
};

}  // namespace etl_csv
