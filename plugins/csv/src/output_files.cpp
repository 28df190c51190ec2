#include "output_files.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <unordered_set>

#include "checkpoint.h"
#include "csv_cell_writer.h"
#include "file_names.h"
#include "header_reader.h"
#include "restore_plan.h"
#include "row_relayout.h"
#include "run_journal.h"

namespace etl_csv {
namespace {

// Per file. Large enough that a write(2) carries thousands of rows; small enough that a
// sink with a hundred streams stays modest.
constexpr size_t kBufferCapacity = 256 * 1024;

// Widening rewrites the whole file, so its cost grows with the file: past this size a
// schema that gains a column starts a new generation instead (README, "Widening").
constexpr uint64_t kMaxWidenedFileBytes = uint64_t{64} << 20;

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

const FileColumns* OutputFiles::Entry::known_columns() const {
  const FileColumns& known = open ? open->header() : columns;
  return known.empty() ? nullptr : &known;
}

// ---- restore ----------------------------------------------------------------------------

void OutputFiles::restore(std::string_view checkpoint_text) {
  close_all_discarding_buffers();
  dir_.open(config_.fsync);
  if (checkpoint_text.empty()) {
    if (!restored_ && !config_.append_to_existing) refuse_to_append_without_checkpoint(dir_.list_csv_files());
    remove_rewrite_leftovers(journal_.read());
    own_existing_files_as_they_are();
  } else {
    apply_checkpoint(checkpoint_text);
  }
  learn_headers();
  journal_.clear();  // the directory is the baseline now: no run's leftovers remain
  restored_ = true;
}

// Without a checkpoint nothing says which rows the files already hold, and the source
// starts from its start (no --state, or a new state file): appending would repeat them.
void OutputFiles::refuse_to_append_without_checkpoint(const FileSizes& existing) const {
  std::vector<std::string> names;
  for (const auto& [name, size] : existing) {
    if (size > 0) names.push_back(name);  // an empty file holds no rows to repeat
  }
  if (names.empty()) return;
  throw etl::Error(ETL_E_INVALID_STATE,
                   dir_.path() + " already holds csv output (" + join_names(names) +
                       ") and this run has no committed checkpoint of it, so appending would write its rows a second "
                       "time. Nothing was changed. Pass --state FILE with the state file of the run that wrote them "
                       "(to resume), or --full-refresh (to replace them), or set the csv option if_exists to "
                       "\"append\" (to append anyway, e.g. when the source resumes from a state of its own).");
}

// A delimiter changed in the config makes a header one cell: say so, rather than that the
// columns are missing (they are there) or widen the file with a wrong split.
void OutputFiles::refuse_other_delimiter(const std::string& path, const FileColumns& on_disk,
                                         const std::vector<std::string>& expected) const {
  const char written = written_with_other_delimiter(on_disk, config_.delimiter, expected);
  if (written != 0) throw etl::Error(ETL_E_INVALID_STATE, other_delimiter_message(path, written, config_.delimiter));
}

std::vector<std::string> OutputFiles::reset() {
  close_all_discarding_buffers();
  dir_.open(config_.fsync);
  remove_rewrite_leftovers(journal_.read());
  std::vector<std::string> removed;
  for (const auto& [name, size] : dir_.list_csv_files()) {
    dir_.remove(name);
    removed.push_back(dir_.path() + "/" + name);
  }
  journal_.clear();
  if (config_.fsync) dir_.sync();  // the removals are durable before anything new is written
  return removed;
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
  const RunJournalEntries journal = journal_.read();
  remove_rewrite_leftovers(journal);
  const FileSizes on_disk = dir_.list_csv_files();
  const RestorePlan plan = plan_restore(committed, dir_.path(), on_disk, journal, headers_on_disk(committed, on_disk));
  // Narrowed copies first: a file that cannot be brought back refuses the restore before
  // anything changed.
  std::vector<PreparedRewrite> narrowed = prepare_narrowings(plan.narrowings);
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
  finish_rewrites(narrowed);
  if ((!plan.removals.empty() || !narrowed.empty()) && config_.fsync) dir_.sync();
  for (const auto& name : plan.missing) {
    host_.info(dir_.path() + "/" + name +
               " was committed but is gone (moved away?); its stream's next rows start a new file");
  }
  for (const auto& [name, length] : plan.files) {
    Entry& entry = files_[name];
    entry.length = length;
    const auto columns = committed.columns.find(name);
    if (columns != committed.columns.end()) entry.columns = columns->second;
  }
}

FileHeaders OutputFiles::headers_on_disk(const Checkpoint& committed, const FileSizes& on_disk) const {
  FileHeaders headers;
  for (const auto& [name, columns] : committed.columns) {
    const auto size = on_disk.find(name);
    // Missing and shorter files: the plan handles them (and refuses the shorter ones).
    if (size == on_disk.end() || size->second < committed.files.find(name)->second) continue;
    uint64_t ignored = 0;
    const StreamFile file(name, dir_.open_existing(name, ignored), size->second, 1);
    const std::string path = dir_.path() + "/" + name;
    FileColumns disk = read_csv_header(file.fd(), size->second, config_.delimiter, path).columns;
    refuse_other_delimiter(path, disk, columns);
    headers.emplace(name, std::move(disk));
  }
  return headers;
}

void OutputFiles::remove_rewrite_leftovers(const RunJournalEntries& journal) {
  for (const auto& name : journal.widened) {
    if (dir_.remove(rewrite_temp_name(name))) {
      host_.info("removed " + dir_.path() + "/" + rewrite_temp_name(name) + ": a rewrite of " + name +
                 " that a run did not finish");
    }
  }
}

std::vector<OutputFiles::PreparedRewrite> OutputFiles::prepare_narrowings(
    const std::vector<RestorePlan::Narrowing>& narrowings) {
  std::vector<PreparedRewrite> prepared;
  try {
    for (const auto& narrowing : narrowings) prepared.push_back(prepare_narrowing(narrowing));
  } catch (...) {
    for (auto& rewrite : prepared) {
      rewrite.file.reset();
      dir_.remove(rewrite_temp_name(rewrite.name));
    }
    throw;
  }
  return prepared;
}

OutputFiles::PreparedRewrite OutputFiles::prepare_narrowing(const RestorePlan::Narrowing& narrowing) {
  const std::string path = dir_.path() + "/" + narrowing.name;
  uint64_t size = 0;
  const StreamFile in(narrowing.name, dir_.open_existing(narrowing.name, size), size, 1);
  std::unique_ptr<StreamFile> out = create_rewrite_temp(narrowing.name);
  const RewriteResult result = rewrite_rows(in.fd(), size, path, *narrowing_layout(narrowing.from, narrowing.to),
                                            config_.delimiter, *out, narrowing.length);
  if (!result.problem.empty()) {
    out.reset();
    dir_.remove(rewrite_temp_name(narrowing.name));
    throw etl::Error(ETL_E_INVALID_STATE,
                     "cannot bring " + path + " back to its committed header and length (" +
                         std::to_string(narrowing.length) + " bytes); a run that did not finish widened it, and " +
                         result.problem +
                         ". Nothing was changed. Put the committed file back, or move it out of the "
                         "directory (the next run then starts a new file from the source's committed state).");
  }
  out->write_out();
  if (config_.fsync) out->sync();
  host_.warn("narrowing " + path + " back to its committed header (" + std::to_string(narrowing.to.size()) +
             " columns, was " + std::to_string(narrowing.from.size()) + ") and length (" +
             std::to_string(narrowing.length) + " bytes, " + std::to_string(result.rows) +
             " rows): a run that did not finish widened it after the last commit; the source sends its later rows "
             "again");
  return {narrowing.name, std::move(out)};
}

void OutputFiles::finish_rewrites(std::vector<PreparedRewrite>& rewrites) {
  for (auto& rewrite : rewrites) {
    dir_.rename(rewrite_temp_name(rewrite.name), rewrite.name);
    rewrite.file.reset();
  }
}

void OutputFiles::learn_headers() {
  // Every checkpoint names each file's header, so a restore can undo a widening that comes
  // after it. Files whose header was not committed (version 1 checkpoints, no checkpoint)
  // have the header on disk; an unreadable one stays unknown (writing to it fails anyway).
  for (auto& [name, entry] : files_) {
    if (!entry.columns.empty() || entry.length == 0) continue;
    try {
      uint64_t ignored = 0;
      const StreamFile file(name, dir_.open_existing(name, ignored), entry.length, 1);
      entry.columns = read_csv_header(file.fd(), entry.length, config_.delimiter, dir_.path() + "/" + name).columns;
    } catch (const etl::Error& e) {
      if (e.code() != ETL_E_INVALID_STATE) throw;
    }
  }
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

StreamFile& OutputFiles::file_for_stream(std::string_view stream, const StreamSchema& schema) {
  const std::vector<std::string> wanted_header = schema.header();
  const uint32_t newest = newest_generation(stream);
  if (newest == 0) return create_file(generation_file_name(stream, 1), wanted_header);

  const std::string name = generation_file_name(stream, newest);
  StreamFile& file = open_file(name, files_.find(name)->second);
  if (file.logical_length() == 0) {
    write_header(file, wanted_header);
    return file;
  }
  if (header_fits(file, wanted_header)) return file;
  refuse_other_delimiter(dir_.path() + "/" + name, file.header(), wanted_header);

  std::string why_not = why_not_widen(file);
  if (why_not.empty()) {
    if (StreamFile* widened = widen(name, schema, why_not)) return *widened;
  }
  const std::string next = generation_file_name(stream, newest + 1);
  host_.info("stream '" + std::string(stream) + "': " + name + " " + why_not +
             ", so its rows continue in a new file, " + next + " (" + name + " stays complete)");
  return create_file(next, wanted_header);
}

std::string OutputFiles::why_not_widen(const StreamFile& file) const {
  if (file.line_terminator() != config_.line_terminator) return "uses another line terminator than configured";
  if (file.logical_length() > kMaxWidenedFileBytes) {
    return "lacks a column of the schema and is larger than " + std::to_string(kMaxWidenedFileBytes >> 20) +
           " MiB, the most the sink rewrites to widen a header";
  }
  return {};
}

// The file rewritten with the schema's missing columns inserted before its extras column
// (or at its end), every row padded with empty cells; nullptr (and `problem`) when a row
// of the file is not one the sink can rewrite.
StreamFile* OutputFiles::widen(const std::string& name, const StreamSchema& schema, std::string& problem) {
  const auto started = std::chrono::steady_clock::now();
  Entry& entry = files_.find(name)->second;
  StreamFile& file = *entry.open;
  const FileColumns& header = file.header();
  std::vector<std::string> lacking;
  for (const auto& column : schema.header()) {
    if (std::find(header.begin(), header.end(), column) == header.end()) lacking.push_back(column);
  }
  const auto extras = schema.allows_extra_keys ? std::find(header.begin(), header.end(), schema.extras_column)
                                               : header.end();
  const auto at = static_cast<size_t>(extras - header.begin());
  std::vector<std::string> new_cells;
  for (const auto& column : lacking) new_cells.push_back(header_line({column}));
  FileColumns widened_header = header;
  widened_header.insert(widened_header.begin() + static_cast<ptrdiff_t>(at), lacking.begin(), lacking.end());

  file.write_out();  // the rewrite reads the file: every row must be in it
  journal_.note_widen(name);
  std::unique_ptr<StreamFile> out = create_rewrite_temp(name);
  const RewriteResult result = rewrite_rows(file.fd(), file.logical_length(), dir_.path() + "/" + name,
                                            widening_layout(header.size(), at, new_cells), config_.delimiter, *out);
  if (!result.problem.empty()) {
    out.reset();
    dir_.remove(rewrite_temp_name(name));
    problem = "lacks the column(s) " + join_names(lacking) + " but cannot be widened: " + result.problem;
    return nullptr;
  }
  out->write_out();
  if (config_.fsync) out->sync();  // the rows are on disk before the name points at them
  dir_.rename(rewrite_temp_name(name), name);
  dir_unsynced_ = true;
  out->renamed(name, std::move(widened_header), file.line_terminator());
  entry.open = std::move(out);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  host_.info("widened " + dir_.path() + "/" + name + " with the column(s) " + join_names(lacking) +
             " the schema gained: rewrote its " + std::to_string(result.rows) + " rows (" +
             std::to_string(result.bytes_written) + " bytes) with empty cells for them, in " + std::to_string(millis) +
             " ms");
  return entry.open.get();
}

std::unique_ptr<StreamFile> OutputFiles::create_rewrite_temp(const std::string& name) {
  const std::string temp = rewrite_temp_name(name);
  return std::make_unique<StreamFile>(temp, dir_.create_new(temp), 0, kBufferCapacity);
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

std::string OutputFiles::header_line(const std::vector<std::string>& header) const {
  const CsvCellWriter cells(config_.delimiter);
  std::string line;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) line.push_back(config_.delimiter);
    cells.append(line, header[i]);
  }
  return line;
}

void OutputFiles::write_header(StreamFile& file, const std::vector<std::string>& header) {
  file.append(header_line(header) + config_.line_terminator);
  file.set_header(header, config_.line_terminator);
}

// ---- checkpoint and flush ---------------------------------------------------------------

std::string_view OutputFiles::checkpoint() {
  checkpoint_text_.clear();
  write_checkpoint(checkpoint_text_, dir_.path(), [&](auto&& emit) {
    for (const auto& [name, entry] : files_) emit(name, entry.current_length(), entry.known_columns());
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
