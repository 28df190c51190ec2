#include "restore_plan.h"

#include "etlhost/plugin.hpp"

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

}  // namespace

RestorePlan plan_restore(const Checkpoint& committed, std::string_view output_dir, const FileSizes& on_disk,
                         const RunJournalEntries& journal) {
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
