#include "export_records.h"

#include <string>
#include <vector>

#include "gzip_sink.h"
#include "individual_records.h"
#include "json_members.h"
#include "window_events.h"

namespace fssim {

namespace {

// As in bundle_json.cpp: few sink calls, still in L2.
constexpr std::size_t kChunkBytes = 256 * 1024;

// Collects output and hands it to the sink in large pieces.
class ChunkedWriter {
 public:
  explicit ChunkedWriter(ByteSink& sink) : sink_(sink) { chunk_.reserve(kChunkBytes + 8 * 1024); }
  std::string& text() { return chunk_; }
  void maybe_flush() {
    if (chunk_.size() >= kChunkBytes) flush();
  }
  void flush() {
    if (!chunk_.empty()) sink_.write(chunk_);
    chunk_.clear();
  }

 private:
  ByteSink& sink_;
  std::string chunk_;
};

// `record` with only the selected fields, or `record` itself when all are selected.
std::string_view selected(std::string_view record, const FieldSelection& fields, std::string& scratch) {
  if (fields.all()) return record;
  std::vector<JsonMember> kept;
  for (const JsonMember& member : top_level_members(record)) {
    if (fields.keeps(member.key)) kept.push_back(member);
  }
  scratch.clear();
  append_object(scratch, kept);
  return scratch;
}

// RFC 4180: a cell holding a comma, quote or line break is quoted, its quotes doubled.
void append_csv_cell(std::string& out, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_csv_row(std::string& out, std::string_view record, const std::vector<std::string>& columns) {
  const std::vector<JsonMember> members = top_level_members(record);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    for (const JsonMember& member : members) {
      if (member.key == columns[i]) append_csv_cell(out, unquoted_value(member.value));
    }
  }
  out += "\r\n";
}

}  // namespace

const char* type_name(ExportType type) { return type == ExportType::kIndividual ? "TYPE_INDIVIDUAL" : "TYPE_EVENT"; }

const char* format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJson: return "FORMAT_JSON";
    case ExportFormat::kNdjson: return "FORMAT_NDJSON";
    case ExportFormat::kCsv: return "FORMAT_CSV";
  }
  return "?";
}

void for_each_record(const ExportSource& source, const ExportSpec& spec,
                     const std::function<void(std::string_view)>& record) {
  std::string scratch;
  const auto emit = [&](std::string_view full) { record(selected(full, spec.fields, scratch)); };
  if (spec.type == ExportType::kIndividual) {
    for_each_individual(source.catalog, source.generator, spec.window, emit);
    return;
  }
  std::string event;
  for_each_window_event(source.catalog, source.generator, spec.window, [&](const Bundle& bundle, std::uint64_t index) {
    event.clear();
    source.generator.append_event(event, bundle, index, EventForm::kSegment);
    emit(event);
  });
}

void write_export_records(const ExportSource& source, const ExportSpec& spec, ByteSink& sink) {
  ChunkedWriter out(sink);
  std::string& text = out.text();
  const std::vector<std::string> columns = spec.format == ExportFormat::kCsv ? spec.fields.columns(spec.type)
                                                                             : std::vector<std::string>();
  if (spec.format == ExportFormat::kJson) text += '[';
  if (spec.format == ExportFormat::kCsv) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) text += ',';
      append_csv_cell(text, columns[i]);
    }
    text += "\r\n";
  }
  bool first = true;
  for_each_record(source, spec, [&](std::string_view record) {
    switch (spec.format) {
      case ExportFormat::kJson:
        if (!first) text += ',';
        text += record;
        break;
      case ExportFormat::kNdjson:
        text += record;
        text += '\n';
        break;
      case ExportFormat::kCsv: append_csv_row(text, record, columns); break;
    }
    first = false;
    out.maybe_flush();
  });
  if (spec.format == ExportFormat::kJson) text += ']';
  out.flush();
}

void write_gzip_export(const ExportSource& source, const ExportSpec& spec, ByteSink& sink) {
  GzipSink gzip(sink);
  write_export_records(source, spec, gzip);
  gzip.finish();
}

}  // namespace fssim
