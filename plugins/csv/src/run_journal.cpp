#include "run_journal.h"

#include "etlhost/plugin.hpp"

namespace etl_csv {

RunJournalEntries RunJournal::read() const {
  RunJournalEntries entries;
  const std::string text = dir_.read_small_file(kRunJournalName);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();  // a line cut by a crash still names its file
    const std::string_view line(text.data() + start, end - start);
    if (line.starts_with("append ")) entries.appended.emplace(line.substr(7));
    if (line.starts_with("create ")) entries.created.emplace(line.substr(7));
    if (line.starts_with("widen ")) entries.widened.emplace(line.substr(6));
    start = end + 1;
  }
  return entries;
}

void RunJournal::note(const char* verb, const std::string& name) {
  dir_.append_line(kRunJournalName, std::string(verb) + " " + name + "\n", durable_);
  written_ = true;
}

void RunJournal::clear() {
  if (dir_.remove(kRunJournalName) && durable_) dir_.sync();
  written_ = false;
}

void RunJournal::clear_if_written() noexcept {
  if (!written_) return;
  try {
    clear();
  } catch (const etl::Error&) {
    // Left behind, the journal only makes the next restore call this run's bytes unfinished.
  }
}

}  // namespace etl_csv
