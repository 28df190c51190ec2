// What the checks share: children with the kit's options, turning their outcomes into
// results, loading the plugin in a child, capturing its log lines.
#include <unistd.h>

#include "conformance/kit.h"
#include "conformance/spy.h"
#include "host_error.h"
#include "signals.h"
#include "text_util.h"

namespace etlhost::conformance {

nlohmann::json PluginInfo::to_json() const {
  nlohmann::json fields_json = nlohmann::json::array();
  for (const ConfigField& field : fields) {
    fields_json.push_back({{"key", field.key},
                           {"type", field.type},
                           {"required", field.required},
                           {"secret", field.secret},
                           {"default", field.default_json ? nlohmann::json(*field.default_json) : nlohmann::json()},
                           {"env", field.env ? nlohmann::json(*field.env) : nlohmann::json()},
                           {"help", field.help}});
  }
  return {{"name", name},
          {"version", version},
          {"description", description},
          {"kind", kind},
          {"fields", fields_json},
          {"has_discover", has_discover},
          {"has_restore", has_restore},
          {"has_checkpoint", has_checkpoint}};
}

PluginInfo PluginInfo::from_json(const nlohmann::json& json) {
  PluginInfo info;
  info.name = json.at("name").get<std::string>();
  info.version = json.at("version").get<std::string>();
  info.description = json.at("description").get<std::string>();
  info.kind = json.at("kind").get<std::string>();
  for (const auto& item : json.at("fields")) {
    ConfigField field;
    field.key = item.at("key").get<std::string>();
    field.type = item.at("type").get<uint32_t>();
    field.required = item.at("required").get<bool>();
    field.secret = item.at("secret").get<bool>();
    if (!item.at("default").is_null()) field.default_json = item.at("default").get<std::string>();
    if (!item.at("env").is_null()) field.env = item.at("env").get<std::string>();
    field.help = item.at("help").get<std::string>();
    info.fields.push_back(std::move(field));
  }
  info.has_discover = json.at("has_discover").get<bool>();
  info.has_restore = json.at("has_restore").get<bool>();
  info.has_checkpoint = json.at("has_checkpoint").get<bool>();
  return info;
}

ChildOptions KitContext::child_options(const std::string& label) const {
  ChildOptions child;
  child.stdout_path = temp_dir + "/" + label + ".stdout";
  child.stderr_path = temp_dir + "/" + label + ".stderr";
  child.overall_timeout_s = options.timeout_s * 10 + 120;
  return child;
}

std::string KitContext::redact(const std::string& text) const { return logger->redact(text); }

ChildOutcome run_check_child(const KitContext& context, const std::string& label,
                             const std::function<nlohmann::json()>& body, double overall_timeout_s) {
  ChildOptions child = context.child_options(label);
  if (overall_timeout_s > 0) child.overall_timeout_s = overall_timeout_s;
  context.logger->debug("conformance: running " + label + " in a child process");
  ChildOutcome outcome = run_in_child(body, child);
  if (const int signal_number = kit_stop_signal()) {
    throw HostError(exit_code_for_signal(signal_number), std::string("stopped by ") + signal_name(signal_number));
  }
  return outcome;
}

CheckResult abnormal_result(const KitContext& context, const std::string& id, const ChildOutcome& outcome,
                            const std::string& what) {
  const std::string described = outcome.describe();
  CheckResult result = CheckResult::fail(
      id, described + (what.empty() ? "" : " (" + what + ")"),
      "every plugin call returns a status; nothing the plugin does ends or blocks the host process",
      "the process running " + (what.empty() ? std::string("the check") : what) + " " +
          (outcome.kind == ChildOutcome::Kind::kTimedOut ? "was killed after the time limit: " : "ended: ") + described,
      outcome.advice());
  const std::string err = context.redact(tail_lines(read_text_file(outcome.stderr_path, 1u << 20), 6));
  if (!err.empty()) {
    result.details.emplace_back("last lines on stderr:");
    for (const std::string& line : split_nonempty(err, '\n'))
      result.details.push_back("  " + abbreviate(line, excerpt::kReportLine));
  }
  return result;
}

CheckResult completed_result(const std::string& id, const ChildOutcome& outcome) {
  if (outcome.result.contains("kit_error")) {
    return CheckResult::fail(
        id, "the kit failed inside its check process: " + outcome.result["kit_error"].get<std::string>(),
        "the check runs to its end", "an error in the kit (or in the host code it drives)",
        "Report this as a bug in etlhost, with the plugin if you can share it.");
  }
  CheckResult result = check_result_from_json(outcome.result.at("check"));
  result.id = id;
  return result;
}

std::shared_ptr<LoadedPlugin> load_spied_plugin(const KitContext& context) {
  auto real = LoadedPlugin::load(context.options.plugin_path, context.options.expected_name);
  return spy_on(std::move(real), context.options.timeout_s);
}

CapturingLogger::CapturingLogger(LogLevel level)
    : lines_(std::make_shared<std::vector<std::string>>()), logger_(level, [lines = lines_](std::string_view line) {
        if (lines->size() < 100000) lines->emplace_back(line);
        size_t done = 0;
        while (done < line.size()) {
          const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
          if (n <= 0) break;
          done += static_cast<size_t>(n);
        }
      }) {}

std::vector<std::string> CapturingLogger::last_problems(size_t count) const {
  std::vector<std::string> out;
  for (auto it = lines_->rbegin(); it != lines_->rend() && out.size() < count; ++it) {
    if (it->find(" ERROR ") != std::string::npos || it->find(" WARN ") != std::string::npos) {
      std::string line = *it;
      while (!line.empty() && line.back() == '\n') line.pop_back();
      out.insert(out.begin(), abbreviate(line, excerpt::kLogLine));
    }
  }
  return out;
}

std::string status_text(int32_t status) { return status_name(normalize_status(status)); }

}  // namespace etlhost::conformance
