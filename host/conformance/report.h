// The conformance kit's report: one result per check, printed as text (one line per check,
// then the explanation of each failure, the notes and a summary) or as JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace etlhost::conformance {

enum class Verdict { kPass, kFail, kSkip };

/// "PASS", "FAIL", "SKIP".
const char* verdict_text(Verdict verdict);

struct CheckResult {
  std::string id;  // "sink.crash_injection"
  Verdict verdict = Verdict::kPass;
  /// One line, shown after the verdict.
  std::string reason;
  /// For a FAIL: what the ABI asks for, what the plugin did, and how to fix it.
  std::string expected;
  std::string found;
  std::string fix;
  /// Further lines under a FAIL (the failing cases, the replay command).
  std::vector<std::string> details;
  /// Warnings that do not fail the check (shown for any verdict).
  std::vector<std::string> notes;
  double seconds = 0;

  static CheckResult pass(std::string id, std::string reason);
  static CheckResult skip(std::string id, std::string reason);
  static CheckResult fail(std::string id, std::string reason, std::string expected, std::string found, std::string fix);
};

nlohmann::ordered_json to_json(const CheckResult& result);
CheckResult check_result_from_json(const nlohmann::json& json);

struct ReportHeader {
  std::string plugin;  // name
  std::string kind;    // "source" / "sink" / "" when unknown
  std::string version;
  std::string path;
  std::optional<uint64_t> seed;  // set when crash injection ran
};

/// "PASS  descriptor.valid           semver 1.0.0, 3 config keys with help".
std::string format_check_line(const CheckResult& result, size_t id_width);
/// The width of the longest check id, for aligned lines.
size_t check_id_width(const std::vector<std::string>& ids);
/// Everything after the check lines: failures explained, notes, the summary line.
std::string format_text_tail(const std::vector<CheckResult>& results);
/// "12 passed, 1 failed, 2 skipped".
std::string summary_line(const std::vector<CheckResult>& results);
std::string format_json_report(const ReportHeader& header, const std::vector<CheckResult>& results);

}  // namespace etlhost::conformance
