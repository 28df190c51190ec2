// The check table (check_table.h) and the help text made from it.
#include "conformance/check_table.h"

#include "text_util.h"

namespace etlhost::conformance {

const std::vector<CheckSpec>& check_table() {
  static const std::vector<CheckSpec> table{
      {"entry.no_side_effects", CheckKind::kPlugin, false, false, check_entry_no_side_effects,
       "etl_plugin_entry, called twice, returns the same descriptor and starts no thread, opens no file, writes no "
       "output, changes no signal handler, cwd, umask, locale or environment"},
      {"descriptor.valid", CheckKind::kPlugin, false, false, check_descriptor_valid,
       "the loader's validation, ABI negotiation (a 2.0 host is refused), a semver version, a one-line "
       "description, help for every key"},
      {"config.rejects_bad_values", CheckKind::kPlugin, true, false, check_config_rejects_bad_values,
       "create() with bad values of the right type (-1, 0, INT64_MAX, \"\", 64 KiB strings, odd paths and URLs...) "
       "succeeds, or fails with a status and a message; never crashes, hangs or exits. Secret keys hold a canary "
       "that must appear in no message, log line or output"},
      {"create_destroy", CheckKind::kPlugin, true, false, check_create_destroy,
       "create() and destroy() three times: no crash, no leaked thread"},
      {"discover.catalog", CheckKind::kSource, true, false, check_discover_catalog,
       "discover() emits only SCHEMA messages forming a valid catalog"},
      {"sync.protocol", CheckKind::kSource, true, false, check_sync_protocol,
       "a full sync: SCHEMA before RECORD, one-line JSON records, STATEs that parse, no secret in a STATE"},
      {"sync.resume", CheckKind::kSource, true, false, check_sync_resume,
       "a sync resumed from a STATE of a full sync emits exactly the records that followed it: none lost, none "
       "duplicated"},
      {"sync.cancellation", CheckKind::kSource, true, false, check_sync_cancellation,
       "after a stop request, sync() returns ETL_E_CANCELLED within 10 s and calls emit() no more"},
      {"sink.write_flush", CheckKind::kSink, true, false, check_sink_write_flush,
       "a full run through the host's pipeline with a state file ends cleanly and flush() succeeds"},
      {"sink.acknowledged", CheckKind::kSink, true, false, check_sink_acknowledged,
       "for a sink with acknowledged() (ABI 1.1): in a short run it never decreases, never exceeds the STATEs "
       "written, is final after finish(), and finish() succeeds once at the end"},
      {"sink.state_ordering", CheckKind::kSink, true, false, check_sink_state_ordering,
       "when the sink writes Singer messages to stdout: every STATE comes after the records before it and before "
       "the ones after it"},
      {"sink.error_paths", CheckKind::kSink, true, false, check_sink_error_paths,
       "restore() refuses a checkpoint it never wrote, cleanly; a run whose file writes fail commits nothing, and "
       "restore() brings the output back to the last commit"},
      {"sink.crash_injection", CheckKind::kSink, true, true, check_sink_crash_injection,
       "runs SIGKILLed right after a flush and at seeded random points, then resumed, end with the output "
       "of an uninterrupted run: "
       "byte-identical for a sink that checkpoints (exactly once), no record lost for one that does not "
       "(at-least-once; duplicates are reported)"},
  };
  return table;
}

std::vector<std::string> check_ids() {
  std::vector<std::string> ids;
  for (const CheckSpec& check : check_table()) ids.emplace_back(check.id);
  return ids;
}

bool check_applies(CheckKind kind, const PluginInfo& info) {
  switch (kind) {
    case CheckKind::kPlugin: return true;
    case CheckKind::kSource: return info.kind == "source";
    case CheckKind::kSink: return info.kind == "sink";
  }
  return false;
}

namespace {

// The help's lines are at most this long: the summaries wrap to fit.
constexpr size_t kHelpWidth = 88;

const char* kind_heading(CheckKind kind) {
  switch (kind) {
    case CheckKind::kPlugin: return "Every plugin:\n";
    case CheckKind::kSource: return "Sources:\n";
    case CheckKind::kSink:
      return "Sinks, fed by the kit's synthetic source (quotes, commas, CR/LF, UTF-8, nesting, big\n"
             "integers, nulls, missing keys; a STATE every 100 records):\n";
  }
  return "";
}

// `text` wrapped at spaces into lines that fit `width` columns after `indent`.
std::string wrap(const std::string& text, size_t indent, size_t width) {
  std::string out;
  std::string line;
  for (const std::string& word : split_nonempty(text, ' ')) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line + "\n";
}

}  // namespace

std::string checks_help() {
  const size_t indent = 2 + check_id_width(check_ids()) + 2;
  std::string out;
  for (size_t i = 0; i < check_table().size(); ++i) {
    const CheckSpec& check = check_table()[i];
    if (i == 0 || check_table()[i - 1].kind != check.kind) out += kind_heading(check.kind);
    std::string entry = "  " + std::string(check.id);
    entry.append(indent - entry.size(), ' ');
    out += entry + wrap(check.summary, indent, kHelpWidth);
  }
  return out;
}

}  // namespace etlhost::conformance
