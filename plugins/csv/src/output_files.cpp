#include "output_files.h"

#include <algorithm>
#include <ctime>
#include <unordered_set>

#include "checkpoint.h"
#include "csv_cell_writer.h"
#include "file_names.h"
#include "header_reader.h"
#include "restore_plan.h"
#include "run_journal.h"

namespace etl_csv {
namespace {

// Per file. Large enough that a write(2) carries thousands of rows; small enough that a
// sink with a hundred streams stays modest.
constexpr size_t kBufferCapacity = 256 * 1024;

// "20261202T003000Z": the UTC time in the name of a copy of cut bytes.
std::string utc_stamp_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string join_names(const std::vector<std::string>& names, size_t limit = 10) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i == 0 ? "'" : ", '") + names[i] + "'";
  if (names.size() > limit) out += " and " + std::to_string(names.size() - limit) + " more";
  return out;
}

}  // namespace

OutputFiles::OutputFiles(const etl::Host& host, const SinkConfig& config)
    : host_(host), config_(config), dir_(config.output_dir), journal_(dir_, config.fsync) {}

OutputFiles::~OutputFiles() { journal_.clear_if_written(); }

// ---- restore ----------------------------------------------------------------------------

void OutputFiles::restore(std::string_view checkpoint_text) {
  close_all_discarding_buffers();
  dir_.open(config_.fsync);
  if (checkpoint_text.empty()) {
    own_existing_files_as_they_are();
  } else {
    apply_checkpoint(checkpoint_text);
  }
  journal_.clear();  // the directory is the baseline now: no run's leftovers remain
}

void OutputFiles::close_all_discarding_buffers() {
  // Buffered bytes were never written and must never be: the run that produced them failed.
  for (auto& [name, entry] : files_) {
    if (entry.open) entry.open->discard_buffer();
  }
  files_.clear();
  dir_unsynced_ = false;
}

void OutputFiles::own_existing_files_as_they_are() {
  for (const auto& [name, size] : dir_.list_csv_files()) {
    files_[name].length = size;
    if (size > 0 && dir_.last_byte(name, size) != '\n') {
      host_.warn(dir_.path() + "/" + name +
                 " does not end with a line break, so its last row is incomplete (an interrupted run "
                 "without a state file?); new rows are appended after it as it is");
    }
  }
  if (!files_.empty()) {
    host_.info("no committed checkpoint; appending to the " + std::to_string(files_.size()) +
               " existing csv files in " + dir_.path() + " as they are");
  }
}

void OutputFiles::apply_checkpoint(std::string_view checkpoint_text) {
  const Checkpoint committed = parse_checkpoint(checkpoint_text);
  const RestorePlan plan = plan_restore(committed, dir_.path(), dir_.list_csv_files(), journal_.read());
  if (plan.directory_moved) {
    host_.info("the output directory moved from " + committed.output_dir + " to " + dir_.path() +
               "; its files are the committed ones, continuing there");
  }
  for (const auto& cut : plan.truncations) cut_uncommitted_bytes(cut);
  for (const auto& name : plan.removals) {
    host_.warn("removing " + dir_.path() + "/" + name + ": created after the last commit by a run that did not finish");
    dir_.remove(name);
  }
  for (const auto& name : plan.foreign) {
    host_.info("leaving " + dir_.path() + "/" + name +
               " alone: it is not in the committed checkpoint and no run of this sink created it");
  }
  if (!plan.removals.empty() && config_.fsync) dir_.sync();
  for (const auto& name : plan.missing) {
    host_.info(dir_.path() + "/" + name +
               " was committed but is gone (moved away?); its stream's next rows start a new file");
  }
  for (const auto& [name, length] : plan.files) files_[name].length = length;
}

void OutputFiles::cut_uncommitted_bytes(const RestorePlan::Truncation& cut) {
  const std::string path = dir_.path() + "/" + cut.name;
  const std::string sizes = " (" + std::to_string(cut.from) + " bytes on disk, " + std::to_string(cut.to) +
                            " committed)";
  if (cut.by_unfinished_run) {
    host_.warn("discarding the last " + std::to_string(cut.from - cut.to) + " bytes of " + path + sizes +
               ": written after the last commit by a run that did not finish; the source sends them again");
  } else {
    // Not the sink's bytes: cut all the same (rows after them would mix with them, and a
    // later commit would take them for its own), but never lost.
    const std::string copy = dir_.copy_range(cut.name, cut.to, cut.from, cut.name + ".cut-" + utc_stamp_now(),
                                             config_.fsync);
    host_.warn(path + " has " + std::to_string(cut.from - cut.to) + " bytes after its committed length" + sizes +
               " that this sink did not write (someone appended to it?). They are cut, so the file holds only "
               "committed rows and none twice, and kept in " +
               dir_.path() + "/" + copy);
  }
  dir_.truncate(cut.name, cut.to, config_.fsync);
}

// ---- choosing the file of a stream ------------------------------------------------------

StreamFile& OutputFiles::file_for_stream(std::string_view stream, const std::vector<std::string>& wanted_header) {
  const uint32_t newest = newest_generation(stream);
  if (newest == 0) return create_file(generation_file_name(stream, 1), wanted_header);

  const std::string name = generation_file_name(stream, newest);
  StreamFile& file = open_file(name, files_.find(name)->second);
  if (file.logical_length() == 0) {
    write_header(file, wanted_header);
    return file;
  }
  if (header_fits(file, wanted_header)) return file;

  const std::string next = generation_file_name(stream, newest + 1);
  std::vector<std::string> lacking;
  for (const auto& column : wanted_header) {
    if (std::find(file.header().begin(), file.header().end(), column) == file.header().end()) {
      lacking.push_back(column);
    }
  }
  host_.info("stream '" + std::string(stream) + "': " + name +
             (lacking.empty() ? std::string(" uses another line terminator than configured")
                              : " has no column " + join_names(lacking)) +
             ", so its rows continue in a new file, " + next + " (" + name + " stays complete)");
  return create_file(next, wanted_header);
}

uint32_t OutputFiles::newest_generation(std::string_view stream) const {
  uint32_t newest = 0;
  for (const auto& [name, entry] : files_) newest = std::max(newest, generation_of(name, stream));
  return newest;
}

bool OutputFiles::header_fits(const StreamFile& file, const std::vector<std::string>& wanted_header) const {
  if (file.line_terminator() != config_.line_terminator) return false;
  const std::unordered_set<std::string_view> present(file.header().begin(), file.header().end());
  return std::all_of(wanted_header.begin(), wanted_header.end(),
                     [&](const std::string& column) { return present.contains(column); });
}

StreamFile& OutputFiles::open_file(const std::string& name, Entry& entry) {
  if (entry.open) return *entry.open;
  journal_.note_append(name);  // ahead of the first byte this run writes to it
  uint64_t size = 0;
  const int fd = dir_.open_existing(name, size);
  auto file = std::make_unique<StreamFile>(name, fd, size, kBufferCapacity);
  if (size != entry.length) {
    throw etl::Error(ETL_E_INVALID_STATE, dir_.path() + "/" + name + " changed since the run started (" +
                                              std::to_string(entry.length) + " bytes then, " + std::to_string(size) +
                                              " now); is another process writing it?");
  }
  if (size > 0) {
    CsvHeader header = read_csv_header(fd, size, config_.delimiter, dir_.path() + "/" + name);
    file->set_header(std::move(header.columns), std::move(header.line_terminator));
  }
  entry.open = std::move(file);
  return *entry.open;
}

StreamFile& OutputFiles::create_file(const std::string& name, const std::vector<std::string>& header) {
  journal_.note_create(name);  // ahead of the file, so a leftover of this run is known as ours
  const int fd = dir_.create_new(name);
  dir_unsynced_ = true;
  Entry& entry = files_[name];
  entry.open = std::make_unique<StreamFile>(name, fd, 0, kBufferCapacity);
  write_header(*entry.open, header);
  return *entry.open;
}

void OutputFiles::write_header(StreamFile& file, const std::vector<std::string>& header) {
  const CsvCellWriter cells(config_.delimiter);
  std::string line;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) line.push_back(config_.delimiter);
    cells.append(line, header[i]);
  }
  line += config_.line_terminator;
  file.append(line);
  file.set_header(header, config_.line_terminator);
}

// ---- checkpoint and flush ---------------------------------------------------------------

std::string_view OutputFiles::checkpoint() {
  checkpoint_text_.clear();
  write_checkpoint(checkpoint_text_, dir_.path(), [&](auto&& emit) {
    for (const auto& [name, entry] : files_) emit(name, entry.current_length());
  });
  return checkpoint_text_;
}

void OutputFiles::flush() {
  // Order matters: every byte reaches the kernel, then the disk, then the directory
  // entries of new files; only then may the host commit the checkpoint.
  for (auto& [name, entry] : files_) {
    if (entry.open) entry.open->write_out();
  }
  if (!config_.fsync) return;
  for (auto& [name, entry] : files_) {
    if (entry.open) entry.open->sync();
  }
  if (dir_unsynced_) {
    dir_.sync();
    dir_unsynced_ = false;
  }
}

}  // namespace etl_csv
