// What restore(checkpoint) must do to the output directory, decided before anything is
// touched, so a refused restore leaves every file as it was.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint.h"
#include "run_journal.h"

namespace etl_csv {

using FileSizes = std::map<std::string, uint64_t, std::less<>>;

struct RestorePlan {
  struct Truncation {
    std::string name;
    uint64_t from;           // the length on disk
    uint64_t to;             // the committed length
    bool by_unfinished_run;  // the journal says a run that did not finish wrote to it
  };
  /// Committed files that grew after the commit: by a run that did not finish, or not by
  /// the sink at all (someone appended to them). Either way the bytes are not committed.
  std::vector<Truncation> truncations;
  /// Files the checkpoint does not list that the journal says a run that did not finish
  /// created: its leftovers, removed.
  std::vector<std::string> removals;
  /// Files the checkpoint does not list and no journal names: not the sink's, left alone.
  std::vector<std::string> foreign;
  /// Committed files that are gone: the user moved them away; they start afresh.
  std::vector<std::string> missing;
  /// Committed files a run that did not finish widened (rewrote with more columns): they
  /// are rewritten with the committed header, up to the committed length.
  struct Narrowing {
    std::string name;
    FileColumns from;  // the header on disk
    FileColumns to;    // the committed header
    uint64_t length;   // the committed length
  };
  std::vector<Narrowing> narrowings;
  /// The files the sink owns once the plan is carried out, with their lengths.
  FileSizes files;
  /// The checkpoint names another directory, whose files all came along unchanged.
  bool directory_moved = false;
};

/// The header on disk of the committed files whose checkpoint names their header.
using FileHeaders = std::map<std::string, FileColumns, std::less<>>;

/// Compares the committed checkpoint with the directory's *.csv files (`on_disk`, name ->
/// size, and `headers`) and what the journal of a run that did not finish says it wrote. Throws
/// etl::Error(ETL_E_INVALID_STATE) when the output no longer matches it: a committed file is shorter than committed,
/// or has another header that no widening of this sink explains, or `output_dir` differs from the checkpoint's and the
/// files there are not exactly the committed ones (a wrong directory: restoring would delete or restart files that are
/// not ours).
RestorePlan plan_restore(const Checkpoint& committed, std::string_view output_dir, const FileSizes& on_disk,
                         const RunJournalEntries& journal, const FileHeaders& headers = {});

}  // namespace etl_csv
