#include "conformance/report.h"

#include <algorithm>

namespace etlhost::conformance {

const char* verdict_text(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkip: return "SKIP";
  }
  return "?";
}

CheckResult CheckResult::pass(std::string id, std::string reason) {
  CheckResult result;
  result.id = std::move(id);
  result.verdict = Verdict::kPass;
  result.reason = std::move(reason);
  return result;
}

CheckResult CheckResult::skip(std::string id, std::string reason) {
  CheckResult result;
  result.id = std::move(id);
  result.verdict = Verdict::kSkip;
  result.reason = std::move(reason);
  return result;
}

CheckResult CheckResult::fail(std::string id, std::string reason, std::string expected, std::string found,
                              std::string fix) {
  CheckResult result;
  result.id = std::move(id);
  result.verdict = Verdict::kFail;
  result.reason = std::move(reason);
  result.expected = std::move(expected);
  result.found = std::move(found);
  result.fix = std::move(fix);
  return result;
}

namespace {

// One line: no CR/LF from a plugin's message may break the report's layout.
std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return out;
}

std::string verdict_json(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kSkip: return "skip";
  }
  return "fail";
}

// "expected: ..." with continuation lines indented under the text.
std::string labelled(const char* label, const std::string& text) {
  std::string out = std::string("    ") + label;
  const std::string indent(4 + std::char_traits<char>::length(label), ' ');
  for (size_t i = 0; i < text.size(); ++i) {
    out.push_back(text[i]);
    if (text[i] == '\n' && i + 1 < text.size()) out += indent;
  }
  return out + "\n";
}

}  // namespace

nlohmann::ordered_json to_json(const CheckResult& result) {
  nlohmann::ordered_json out;
  out["id"] = result.id;
  out["result"] = verdict_json(result.verdict);
  out["reason"] = result.reason;
  if (result.verdict == Verdict::kFail) {
    out["expected"] = result.expected;
    out["found"] = result.found;
    out["fix"] = result.fix;
  }
  out["details"] = result.details;
  out["notes"] = result.notes;
  out["seconds"] = static_cast<double>(static_cast<int64_t>(result.seconds * 1000)) / 1000.0;
  return out;
}

CheckResult check_result_from_json(const nlohmann::json& json) {
  CheckResult result;
  result.id = json.value("id", std::string());
  const std::string verdict = json.value("result", std::string("fail"));
  result.verdict = verdict == "pass" ? Verdict::kPass : verdict == "skip" ? Verdict::kSkip : Verdict::kFail;
  result.reason = json.value("reason", std::string());
  result.expected = json.value("expected", std::string());
  result.found = json.value("found", std::string());
  result.fix = json.value("fix", std::string());
  if (json.contains("details")) result.details = json["details"].get<std::vector<std::string>>();
  if (json.contains("notes")) result.notes = json["notes"].get<std::vector<std::string>>();
  return result;
}

size_t check_id_width(const std::vector<std::string>& ids) {
  size_t width = 0;
  for (const std::string& id : ids) width = std::max(width, id.size());
  return width;
}

std::string format_check_line(const CheckResult& result, size_t id_width) {
  std::string id = result.id;
  if (id.size() < id_width) id.append(id_width - id.size(), ' ');
  return std::string(verdict_text(result.verdict)) + "  " + id + "  " + one_line(result.reason) + "\n";
}

std::string summary_line(const std::vector<CheckResult>& results) {
  size_t passed = 0, failed = 0, skipped = 0;
  for (const CheckResult& result : results) {
    if (result.verdict == Verdict::kPass) ++passed;
    if (result.verdict == Verdict::kFail) ++failed;
    if (result.verdict == Verdict::kSkip) ++skipped;
  }
  return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " + std::to_string(skipped) +
         " skipped";
}

std::string format_text_tail(const std::vector<CheckResult>& results) {
  std::string out;
  for (const CheckResult& result : results) {
    if (result.verdict != Verdict::kFail) continue;
    out += "\nFAIL " + result.id + ": " + one_line(result.reason) + "\n";
    if (!result.expected.empty()) out += labelled("expected: ", result.expected);
    if (!result.found.empty()) out += labelled("found:    ", result.found);
    for (const std::string& detail : result.details) out += "      " + one_line(detail) + "\n";
    if (!result.fix.empty()) out += labelled("fix:      ", result.fix);
  }
  bool any_notes = false;
  for (const CheckResult& result : results) {
    for (const std::string& note : result.notes) {
      if (!any_notes) out += "\nNotes (warnings, not failures):\n";
      any_notes = true;
      out += "  " + result.id + ": " + one_line(note) + "\n";
    }
  }
  out += "\n" + summary_line(results) + "\n";
  return out;
}

std::string format_json_report(const ReportHeader& header, const std::vector<CheckResult>& results) {
  nlohmann::ordered_json out;
  out["plugin"] = {{"name", header.plugin}, {"kind", header.kind}, {"version", header.version}, {"path", header.path}};
  out["seed"] = header.seed ? nlohmann::ordered_json(*header.seed) : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  size_t passed = 0, failed = 0, skipped = 0;
  for (const CheckResult& result : results) {
    checks.push_back(to_json(result));
    if (result.verdict == Verdict::kPass) ++passed;
    if (result.verdict == Verdict::kFail) ++failed;
    if (result.verdict == Verdict::kSkip) ++skipped;
  }
  out["checks"] = checks;
  out["summary"] = {{"passed", passed}, {"failed", failed}, {"skipped", skipped}};
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace etlhost::conformance
