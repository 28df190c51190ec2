#include "restore_plan.h"

#include "etlhost/plugin.hpp"
#include "row_relayout.h"

namespace etl_csv {
namespace {

/// In another directory, only proceed when nothing would be deleted or restarted: every
/// committed file is there, at least as long as committed, and no other csv file is.
bool same_files_as_committed(const Checkpoint& committed, const FileSizes& on_disk) {
  if (on_disk.size() != committed.files.size()) return false;
  for (const auto& [name, length] : committed.files) {
    const auto it = on_disk.find(name);
    if (it == on_disk.end() || it->second < length) return false;
  }
  return true;
}

std::string quoted_list(const FileColumns& columns) {
  std::string out;
  for (const auto& column : columns) out += (out.empty() ? "'" : ", '") + column + "'";
  return out;
}

// A committed file whose header on disk is not the committed one: a widening of a run that
// did not finish, to be undone, or a change nobody can undo.
RestorePlan::Narrowing narrowing_of(std::string_view output_dir, const std::string& name, const FileColumns& disk,
                                    const FileColumns& committed, uint64_t length, const RunJournalEntries& journal) {
  if (journal.widened.contains(name) && narrowing_layout(disk, committed)) return {name, disk, committed, length};
  throw etl::Error(ETL_E_INVALID_STATE,
                   std::string(output_dir) + "/" + name + " has the header " + quoted_list(disk) +
                       ", but the committed checkpoint says " + quoted_list(committed) +
                       ", and no run of this sink widened it: the file was changed outside etlhost. Nothing was "
                       "changed. Put the committed file back, or move it out of the directory (the next run then "
                       "starts a new file from the source's committed state).");
}

}  // namespace

RestorePlan plan_restore(const Checkpoint& committed, std::string_view output_dir, const FileSizes& on_disk,
                         const RunJournalEntries& journal, const FileHeaders& headers) {
  RestorePlan plan;
  if (committed.output_dir != output_dir) {
    if (!same_files_as_committed(committed, on_disk)) {
      throw etl::Error(ETL_E_INVALID_STATE,
                       "the checkpoint belongs to output_dir '" + committed.output_dir + "', but this run writes to '" +
                           std::string(output_dir) + "', which does not hold exactly the " +
                           std::to_string(committed.files.size()) +
                           " committed files. Nothing was changed. Set output_dir to '" + committed.output_dir +
                           "' (a relative output_dir depends on the current directory, which differs under cron), "
                           "or move that directory's files to '" +
                           std::string(output_dir) + "'.");
    }
    plan.directory_moved = true;
  }

  for (const auto& [name, length] : committed.files) {
    const auto it = on_disk.find(name);
    if (it == on_disk.end()) {
      plan.missing.push_back(name);
      continue;
    }
    const auto disk_header = headers.find(name);
    const auto committed_header = committed.columns.find(name);
    if (disk_header != headers.end() && committed_header != committed.columns.end() &&
        disk_header->second != committed_header->second) {
      plan.narrowings.push_back(
          narrowing_of(output_dir, name, disk_header->second, committed_header->second, length, journal));
      plan.files.emplace(name, length);
      continue;
    }
    if (it->second < length) {
      throw etl::Error(ETL_E_INVALID_STATE,
                       std::string(output_dir) + "/" + name + " is " + std::to_string(it->second) +
                           " bytes long, but the committed checkpoint says " + std::to_string(length) +
                           ": the file was changed outside etlhost, so the committed rows are no longer all there. "
                           "Nothing was changed. Put the complete file back, or move it out of the directory "
                           "(the next run then starts a new file from the source's committed state).");
    }
    if (it->second > length) plan.truncations.push_back({name, it->second, length, journal.wrote_to(name)});
    plan.files.emplace(name, length);
  }
  for (const auto& [name, size] : on_disk) {
    if (committed.files.contains(name)) continue;
    (journal.created.contains(name) ? plan.removals : plan.foreign).push_back(name);
  }
  return plan;
}

}  // namespace etl_csv
