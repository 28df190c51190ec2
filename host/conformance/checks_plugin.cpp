// The checks every plugin gets: entry.no_side_effects, descriptor.valid,
// config.rejects_bad_values, create_destroy.
#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <regex>
#include <set>
#include <thread>

#include "conformance/kit.h"
#include "conformance/probe.h"
#include "conformance/spy.h"
#include "host_error.h"
#include "host_services.h"
#include "plugin_instance.h"
#include "plugin_search.h"
#include "signals.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

nlohmann::json check_json(const CheckResult& result, nlohmann::json data = nlohmann::json::object()) {
  return {{"check", to_json(result)}, {"data", std::move(data)}};
}

// The canary put into every secret key: it must never come back out of the plugin.
constexpr const char* kCanary = "etl-canary-5ecret-7f3a";

etl_plugin_entry_fn entry_of(void* handle) {
  void* symbol = ::dlsym(handle, ETL_PLUGIN_ENTRY_SYMBOL);
  etl_plugin_entry_fn entry = nullptr;
  std::memcpy(&entry, &symbol, sizeof entry);
  return entry;
}

std::string join_phrases(const std::vector<std::string>& phrases) { return join(phrases, "; "); }

}  // namespace

// ------------------------------------------------------------------------------------------
// entry.no_side_effects
// ------------------------------------------------------------------------------------------

CheckResult check_entry_no_side_effects(KitContext& context, const std::string& id) {
  const std::string path = context.options.plugin_path;
  const double timeout = context.options.timeout_s;
  const ChildOutcome outcome = run_check_child(context, id, [path, timeout, id]() -> nlohmann::json {
    const ProcessSnapshot before_load = take_snapshot();
    void* handle = nullptr;
    {
      CallScope scope("dlopen() (the library's static constructors)", timeout);
      handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == nullptr) {
      const char* reason = ::dlerror();
      return check_json(CheckResult::fail(id, "the library does not load", "dlopen() succeeds",
                                          std::string("dlopen() failed: ") + (reason ? reason : "?"),
                                          "Link the plugin with etlhost_add_plugin (it uses -z defs, so a missing "
                                          "symbol fails the build, not the load) and ship its dependencies."));
    }
    const ProcessSnapshot after_load = take_snapshot();
    etl_plugin_entry_fn entry = entry_of(handle);
    if (entry == nullptr) {
      return check_json(CheckResult::fail(id, "the library does not export " ETL_PLUGIN_ENTRY_SYMBOL,
                                          "one exported symbol, " ETL_PLUGIN_ENTRY_SYMBOL, "no such symbol",
                                          "Define the entry point with ETL_EXPORT (or ETL_DEFINE_SOURCE_PLUGIN / "
                                          "ETL_DEFINE_SINK_PLUGIN) and build with etlhost_add_plugin."));
    }
    const etl_plugin* first = nullptr;
    const etl_plugin* second = nullptr;
    etl_status first_status = ETL_OK;
    etl_status second_status = ETL_OK;
    {
      CallScope scope("etl_plugin_entry()", timeout);
      etl_error err{};
      err.struct_size = ETL_STRUCT_SIZE(etl_error);
      first_status = entry(ETL_ABI_VERSION, &first, &err);
    }
    {
      // "It may be called more than once, from any thread": the second call from another.
      CallScope scope("etl_plugin_entry() (second call, another thread)", timeout);
      std::thread other([&] {
        etl_error err{};
        err.struct_size = ETL_STRUCT_SIZE(etl_error);
        second_status = entry(ETL_ABI_VERSION, &second, &err);
      });
      other.join();
    }
    ProcessSnapshot after_entry = take_snapshot();
    after_entry.threads = settled_thread_count(after_load.threads);  // the second call's thread was joined

    std::vector<std::string> problems;
    for (const std::string& phrase : snapshot_differences(before_load, after_load)) {
      problems.push_back("loading the library (its static constructors) " + phrase);
    }
    for (const std::string& phrase : snapshot_differences(after_load, after_entry)) {
      problems.push_back(ETL_PLUGIN_ENTRY_SYMBOL " " + phrase);
    }
    if (first_status != ETL_OK || second_status != ETL_OK) {
      problems.push_back("it returned " + status_text(first_status) + " and " + status_text(second_status) +
                         " for this host's ABI " + std::to_string(ETL_ABI_MAJOR) + "." + std::to_string(ETL_ABI_MINOR));
    } else if (first == nullptr || first != second) {
      problems.emplace_back("the two calls returned different descriptors (or none): the descriptor must be static");
    }
    if (problems.empty()) {
      return check_json(CheckResult::pass(
          id, "2 calls (one from another thread) return the same descriptor; no thread, file, output, signal "
              "handler, cwd, umask, locale or environment change"));
    }
    CheckResult result = CheckResult::fail(
        id, problems.front() + (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : ""),
        "the entry point and the library's static initializers have no side effects: the host calls them just to "
        "list plugins (plugin.h, etl_plugin_entry)",
        join_phrases(problems),
        "Return a pointer to a static const descriptor and do nothing else. Start threads, open files and "
        "connections in create() (or later), never in the entry point or a global constructor; log through the "
        "host's log service, never to stdout/stderr.");
    return check_json(result);
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "calling " ETL_PLUGIN_ENTRY_SYMBOL);
  return completed_result(id, outcome);
}

// ------------------------------------------------------------------------------------------
// descriptor.valid
// ------------------------------------------------------------------------------------------

namespace {

PluginInfo plugin_info(const LoadedPlugin& plugin) {
  PluginInfo info;
  info.name = plugin.name();
  info.version = plugin.version();
  info.description = plugin.description();
  info.kind = kind_name(plugin.kind());
  info.fields = plugin.config_fields();
  info.has_discover = plugin.source_api() != nullptr && plugin.source_api()->discover != nullptr;
  info.has_restore = plugin.sink_api() != nullptr && plugin.sink_api()->restore != nullptr;
  info.has_checkpoint = plugin.sink_api() != nullptr && plugin.sink_api()->checkpoint != nullptr;
  return info;
}

// What a check found: failures, and warnings that do not fail it.
struct Findings {
  std::vector<std::string> problems;
  std::vector<std::string> notes;
};

void check_version_and_description(const PluginInfo& info, Findings& found) {
  static const std::regex kSemver(
      R"(^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$)");
  if (!std::regex_match(info.version, kSemver)) {
    found.problems.push_back("version '" + abbreviate(info.version, excerpt::kVersion) +
                             "' is not semver (MAJOR.MINOR.PATCH, e.g. 1.4.2)");
  }
  if (info.description.empty()) {
    found.problems.emplace_back("the description is empty");
  } else if (info.description.find_first_of("\r\n") != std::string::npos) {
    found.problems.emplace_back("the description spans several lines; it must be one line");
  } else if (info.description.size() > 160) {
    found.notes.push_back("the description has " + std::to_string(info.description.size()) +
                          " characters; `etlhost plugins` shows one line, keep it under 160");
  }
}

void check_secret_field(const ConfigField& field, Findings& found) {
  std::string help = field.help;
  for (char& c : help) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!field.env && help.find("env") == std::string::npos && help.find("file") == std::string::npos) {
    found.notes.push_back("secret key '" + field.key +
                          "' says nowhere where the secret may come from: give it an environment variable "
                          "(etl_config_field.env) or say in its help which variable or file holds it (secrets are "
                          "refused on the command line)");
  }
  if (field.default_json)
    found.notes.push_back("secret key '" + field.key + "' has a default; a secret should have none");
}

void check_config_fields(const PluginInfo& info, Findings& found) {
  std::vector<std::string> no_help;
  for (const ConfigField& field : info.fields) {
    if (field.help.empty()) no_help.push_back(field.key);
    if (field.secret) check_secret_field(field, found);
    if (field.required && field.default_json) {
      found.notes.push_back("key '" + field.key + "' is required but has a default, so it can never be missing");
    }
  }
  if (!no_help.empty()) found.problems.push_back("config keys without help: " + join(no_help, ", "));
}

// ABI negotiation: a host of another major must be refused with a message.
void check_abi_negotiation(const KitOptions& options, Findings& found) {
  void* handle = ::dlopen(options.plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return;
  etl_plugin_entry_fn entry = entry_of(handle);
  etl_error err{};
  err.struct_size = ETL_STRUCT_SIZE(etl_error);
  const etl_plugin* descriptor = nullptr;
  etl_status status = ETL_OK;
  {
    CallScope scope("etl_plugin_entry() (from a host of ABI 2.0)", options.timeout_s);
    status = entry((2u << 16) | 0u, &descriptor, &err);
  }
  err.message[ETL_ERROR_MESSAGE_CAPACITY - 1] = '\0';
  if (status == ETL_OK) {
    found.problems.emplace_back(
        "the entry point accepted a host of ABI 2.0; a plugin must refuse a host whose major version differs "
        "with ETL_E_ABI_MISMATCH");
  } else if (status != ETL_E_ABI_MISMATCH) {
    found.notes.push_back("the entry point refused a host of ABI 2.0 with " + status_text(status) +
                          "; plugin.h asks for ETL_E_ABI_MISMATCH");
  } else if (err.message[0] == '\0') {
    found.notes.emplace_back("the entry point refused a host of ABI 2.0 without a message; name both versions");
  }
}

// Given a path, the host finds the plugin by name later only if the file is named after it.
void check_file_name(const KitOptions& options, const PluginInfo& info, Findings& found) {
  if (!options.expected_name.empty()) return;
  const std::string file = std::filesystem::path(options.plugin_path).filename().string();
  if (file != plugin_file_name(info.name)) {
    found.notes.push_back("the file is named " + file + "; the host finds plugin '" + info.name + "' by name only as " +
                          plugin_file_name(info.name));
  }
}

CheckResult descriptor_verdict(const std::string& id, const PluginInfo& info, const Findings& found) {
  CheckResult result;
  if (found.problems.empty()) {
    const std::string keys = info.fields.empty()       ? std::string("no config keys")
                             : info.fields.size() == 1 ? std::string("1 config key with help")
                                                       : std::to_string(info.fields.size()) + " config keys with help";
    result = CheckResult::pass(
        id, info.kind + " '" + info.name + "' " + info.version + ", " + keys + "; refuses a host of ABI 2.0");
  } else {
    const std::vector<std::string>& problems = found.problems;
    result = CheckResult::fail(
        id, problems.front() + (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : ""),
        "a semver version, a one-line description, help text for every config key, ETL_E_ABI_MISMATCH for a "
        "host of another major version",
        join_phrases(problems),
        "Fill the descriptor's version (\"1.0.0\"), description (one line) and every etl_config_field's help; "
        "in the entry point compare ETL_ABI_VERSION_MAJOR(host_abi_version) with ETL_ABI_MAJOR first.");
  }
  result.notes = found.notes;
  return result;
}

// In the child: loads the plugin with the host's loader and judges its descriptor.
nlohmann::json descriptor_body(const KitOptions& options, const std::string& id) {
  std::shared_ptr<LoadedPlugin> plugin;
  try {
    CallScope scope("etl_plugin_entry()", options.timeout_s);
    plugin = LoadedPlugin::load(options.plugin_path, options.expected_name);
  } catch (const HostError& error) {
    return check_json(CheckResult::fail(
        id, "the host's loader refuses it", "a descriptor the host accepts (plugin.h, etl_plugin)", error.what(),
        "Fix what the message names; build with the SDK's etlhost_add_plugin and the ETL_DEFINE_*_PLUGIN macros "
        "(or copy plugins/demo/demo_source.c for plain C)."));
  }
  const PluginInfo info = plugin_info(*plugin);
  Findings found;
  check_version_and_description(info, found);
  check_config_fields(info, found);
  check_abi_negotiation(options, found);
  check_file_name(options, info, found);
  return check_json(descriptor_verdict(id, info, found), info.to_json());
}

}  // namespace

CheckResult check_descriptor_valid(KitContext& context, const std::string& id) {
  const KitOptions options = context.options;
  const ChildOutcome outcome = run_check_child(
      context, id, [options, id]() -> nlohmann::json { return descriptor_body(options, id); });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "loading the plugin");
  CheckResult result = completed_result(id, outcome);
  if (outcome.result.contains("data") && outcome.result["data"].contains("name")) {
    context.info = PluginInfo::from_json(outcome.result["data"]);
    context.plugin_loaded = true;
  }
  return result;
}

// ------------------------------------------------------------------------------------------
// config.rejects_bad_values
// ------------------------------------------------------------------------------------------

namespace {

struct Variant {
  std::string label;  // "records=-1"
  std::string config_json;
};

std::string deep_json(int depth, char open, char close) {
  std::string out(static_cast<size_t>(depth), open);
  if (open == '{') {
    out.clear();
    for (int i = 0; i < depth; ++i) out += "{\"a\":";
    out += "1";
    for (int i = 0; i < depth; ++i) out += "}";
    return out;
  }
  return out + std::string(static_cast<size_t>(depth), close);
}

std::vector<std::pair<std::string, nlohmann::ordered_json>> bad_values(const ConfigField& field, bool quick) {
  using J = nlohmann::ordered_json;
  std::vector<std::pair<std::string, J>> out;
  const std::string big(64 * 1024, 'x');
  switch (field.type) {
    case ETL_CONFIG_INTEGER:
      out = {{"-1", J(-1)},
             {"0", J(0)},
             {"INT64_MAX", J(std::numeric_limits<int64_t>::max())},
             {"INT64_MIN", J(std::numeric_limits<int64_t>::min())}};
      break;
    case ETL_CONFIG_NUMBER:
      out = {{"-1", J(-1.0)}, {"0", J(0.0)}, {"1e308", J(1e308)}, {"-1e308", J(-1e308)}, {"5e-324", J(5e-324)}};
      break;
    case ETL_CONFIG_BOOLEAN: out = {{"true", J(true)}, {"false", J(false)}}; break;
    case ETL_CONFIG_JSON:
      out = {{"null", J(nullptr)},
             {"{}", J::object()},
             {"[]", J::array()},
             {"\"\"", J("")},
             {"0", J(0)},
             {"{...256 deep}", J::parse(deep_json(256, '{', '}'))},
             {"[...256 deep]", J::parse(deep_json(256, '[', ']'))}};
      break;
    default:  // ETL_CONFIG_STRING
      if (field.secret) {
        out = {{"\"\"", J("")},
               {"<canary>", J(kCanary)},
               {"<canary, 64 KiB>", J(std::string(kCanary) + big)},
               {"<canary with a line break>", J(std::string(kCanary) + "\nsecond line")}};
      } else {
        out = {{"\"\"", J("")},
               {"\"<64 KiB>\"", J(big)},
               {"\"   \"", J("   ")},
               {"\"../../../../../../etc/passwd\"", J("../../../../../../etc/passwd")},
               {"\"/nonexistent-etlhost-kit/dir/file\"", J("/nonexistent-etlhost-kit/dir/file")},
               {"\"http://\"", J("http://")},
               {"\"ftp://[::1:99999/%zz\"", J("ftp://[::1:99999/%zz")},
               {"\"\\u0000 (NUL)\"", J(std::string("a\0b", 3))},
               {"\"line\\nbreak\"", J("line\nbreak")},
               {"\"\\u202e 🎉 \\uffff\"", J("\u202e 🎉 \uffff")}};
        if (quick) out.resize(6);
      }
  }
  return out;
}

// The configs to try: the user's with every secret set to the canary, then that with one
// key at a time holding a bad value. `any_secret` tells whether the plugin has a secret.
std::vector<Variant> bad_config_variants(const KitContext& context, bool& any_secret) {
  nlohmann::ordered_json base = context.config.values;
  any_secret = false;
  for (const ConfigField& field : context.info.fields) {
    if (field.secret) {
      any_secret = true;
      base[field.key] = field.type == ETL_CONFIG_STRING || field.type == ETL_CONFIG_JSON
                            ? nlohmann::ordered_json(kCanary)
                            : base.value(field.key, nlohmann::ordered_json());
    }
  }
  const auto dump = [](const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  std::vector<Variant> variants{
      {"(your config" + std::string(any_secret ? ", secrets set to the canary)" : ")"), dump(base)}};
  for (const ConfigField& field : context.info.fields) {
    for (const auto& [label, value] : bad_values(field, context.options.quick)) {
      nlohmann::ordered_json config = base;
      config[field.key] = value;
      variants.push_back(Variant{field.key + "=" + label, dump(config)});
    }
  }
  return variants;
}

constexpr const char* kCanaryInLog = "the canary secret appears in a log line";

// In the child: create() with the variant's config (and destroy() when it succeeds).
// Returns the status and the problems seen from inside: no instance, no message, the canary
// in the message or a log line.
nlohmann::json probe_create(const KitContext& context, const Variant& variant, bool is_source) {
  CapturingLogger log(LogLevel::kDebug);  // no secret registered: the raw lines
  CancelFlag cancel;
  const auto plugin = load_spied_plugin(context);
  HostServices services(plugin->name(), log.logger(), cancel);
  etl_error err{};
  err.struct_size = ETL_STRUCT_SIZE(etl_error);
  void* self = nullptr;
  const etl_str config{variant.config_json.data(), variant.config_json.size()};
  const etl_status status = is_source ? plugin->source_api()->create(services.api(), config, &self, &err)
                                      : plugin->sink_api()->create(services.api(), config, &self, &err);
  err.message[ETL_ERROR_MESSAGE_CAPACITY - 1] = '\0';
  const std::string message = err.message;
  nlohmann::json out{{"status", status}};
  std::vector<std::string> problems;
  if (status == ETL_OK) {
    if (self == nullptr) {
      problems.emplace_back("create() returned ETL_OK but no instance");
    } else if (is_source) {
      plugin->source_api()->destroy(self);
    } else {
      plugin->sink_api()->destroy(self);
    }
  } else {
    if (message.empty())
      problems.push_back("create() failed with " + status_text(status) + " but left the error message empty");
    if (err.code != status) {
      out["code_mismatch"] = "etl_error.code is " + std::to_string(err.code) + " but create() returned " +
                             status_text(status);
    }
  }
  if (message.find(kCanary) != std::string::npos)
    problems.emplace_back("the canary secret appears in create()'s error message");
  for (const std::string& line : log.lines()) {
    if (line.find(kCanary) != std::string::npos) {
      problems.emplace_back(kCanaryInLog);
      break;
    }
  }
  out["problems"] = problems;
  return {{"data", out}};
}

// Problems seen from outside the child: the canary on stdout or stderr, or any stdout.
void check_child_output(const ChildOutcome& outcome, std::vector<std::string>& problems) {
  for (const auto& [stream_name, path] : {std::pair<const char*, std::string>{"stdout", outcome.stdout_path},
                                          std::pair<const char*, std::string>{"stderr", outcome.stderr_path}}) {
    const std::string text = read_text_file(path);
    const bool logged = std::find(problems.begin(), problems.end(), kCanaryInLog) != problems.end();
    // stderr holds the log lines too: report a leak there only when no log line had it.
    if (text.find(kCanary) != std::string::npos && !(logged && std::string(stream_name) == "stderr")) {
      problems.push_back(std::string("the canary secret appears on ") + stream_name);
    }
    if (std::string(stream_name) == "stdout" && !text.empty() && text.find(kCanary) == std::string::npos) {
      problems.push_back("create()/destroy() wrote " + std::to_string(text.size()) + " bytes to stdout");
    }
  }
}

// What the configs did, over all of them.
struct BadValueTally {
  size_t accepted = 0;
  size_t refused = 0;
  std::vector<std::string> failures;  // "label: problem"
  std::vector<std::string> notes;
};

void tally_variant(const Variant& variant, const ChildOutcome& outcome, BadValueTally& tally) {
  if (!outcome.completed()) {
    tally.failures.push_back(variant.label + ": " + outcome.describe());
    return;
  }
  if (outcome.result.contains("kit_error")) {
    tally.failures.push_back(variant.label + ": the kit failed: " + outcome.result["kit_error"].get<std::string>());
    return;
  }
  const auto& data = outcome.result["data"];
  std::vector<std::string> problems = data.value("problems", std::vector<std::string>{});
  check_child_output(outcome, problems);
  if (data.value("status", 0) == ETL_OK) {
    ++tally.accepted;
  } else {
    ++tally.refused;
  }
  for (const std::string& problem : problems) tally.failures.push_back(variant.label + ": " + problem);
  if (data.contains("code_mismatch") && tally.notes.empty()) {
    tally.notes.push_back(variant.label + ": " + data["code_mismatch"].get<std::string>() +
                          "; fill etl_error.code with the status you return");
  }
}

CheckResult bad_values_verdict(const std::string& id, size_t variant_count, bool any_secret,
                               const BadValueTally& tally) {
  const std::vector<std::string>& failures = tally.failures;
  const std::string summary = std::to_string(variant_count) + (variant_count == 1 ? " config: " : " configs: ") +
                              std::to_string(tally.refused) + " refused with a message, " +
                              std::to_string(tally.accepted) + " accepted";
  if (failures.empty()) {
    CheckResult result = CheckResult::pass(
        id, summary + "; no crash, hang, exit" + (any_secret ? " or leaked canary secret" : ""));
    result.notes = tally.notes;
    return result;
  }
  CheckResult result = CheckResult::fail(
      id, failures.front() + (failures.size() > 1 ? " (and " + std::to_string(failures.size() - 1) + " more)" : ""),
      "create() with a value of the right type but bad content either succeeds or returns a status other than "
      "ETL_OK with a message naming the key; it never crashes, hangs, exits or writes to stdout, and no secret "
      "value ever appears in a message, a log line or any output (plugin.h, sections 5 and 6)",
      summary + "; " + std::to_string(failures.size()) + " problem" + (failures.size() == 1 ? "" : "s") + ":",
      "Check every value in create() (ranges, formats, lengths) and return ETL_E_INVALID_ARGUMENT with a message "
      "that names the key and what was expected, never the value of a secret key. Do no I/O in create().");
  for (size_t i = 0; i < failures.size() && i < 12; ++i) result.details.push_back(failures[i]);
  if (failures.size() > 12) result.details.push_back("... and " + std::to_string(failures.size() - 12) + " more");
  result.notes = tally.notes;
  return result;
}

}  // namespace

CheckResult check_config_rejects_bad_values(KitContext& context, const std::string& id) {
  bool any_secret = false;
  const std::vector<Variant> variants = bad_config_variants(context, any_secret);
  const bool is_source = context.info.kind == "source";
  BadValueTally tally;
  size_t index = 0;
  for (const Variant& variant : variants) {
    const KitContext& ctx = context;
    const ChildOutcome outcome = run_check_child(
        context, id + "." + std::to_string(index++),
        [&ctx, &variant, is_source]() -> nlohmann::json { return probe_create(ctx, variant, is_source); });
    tally_variant(variant, outcome, tally);
  }
  return bad_values_verdict(id, variants.size(), any_secret, tally);
}

// ------------------------------------------------------------------------------------------
// create_destroy
// ------------------------------------------------------------------------------------------

CheckResult check_create_destroy(KitContext& context, const std::string& id) {
  const KitContext& ctx = context;
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kDebug);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    CancelFlag cancel;
    const auto plugin = load_spied_plugin(ctx);
    const size_t threads_before = thread_count();
    const size_t fds_before = fd_count();
    std::vector<std::string> problems;
    std::vector<std::string> notes;
    for (int round = 1; round <= 3; ++round) {
      try {
        if (plugin->kind() == PluginKind::kSource) {
          SourceInstance instance(plugin, ctx.config.json_text, log.logger(), cancel);
        } else {
          SinkInstance instance(plugin, ctx.config.json_text, log.logger(), cancel);
        }
      } catch (const HostError& error) {
        return check_json(CheckResult::fail(
            id, "create() refused the config",
            "create() accepts the config given with --config/--set (or the defaults)", ctx.redact(error.what()),
            "If the config is wrong, pass a working one with --config FILE or --set KEY=VALUE; if it is right, "
            "create() must accept it."));
      }
      const size_t threads = settled_thread_count(threads_before);
      if (threads > threads_before && problems.empty()) {
        problems.push_back("after create() and destroy() #" + std::to_string(round) + ", " +
                           std::to_string(threads - threads_before) + " thread(s) the plugin started still run");
      }
      const size_t fds = fd_count();
      if (fds > fds_before && notes.empty()) {
        notes.push_back("after create() and destroy() #" + std::to_string(round) + ", " +
                        std::to_string(fds - fds_before) + " more file descriptor(s) are open than before");
      }
    }
    CheckResult result =
        problems.empty()
            ? CheckResult::pass(id, "3 rounds of create() and destroy() in one process; no thread left running")
            : CheckResult::fail(id, problems.front(),
                                "destroy() joins every thread the instance started before it returns (plugin.h, "
                                "section 4)",
                                join_phrases(problems),
                                "Keep every thread in the instance and join it in destroy(); never detach.");
    result.notes = notes;
    return check_json(result);
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "create() and destroy()");
  return completed_result(id, outcome);
}

}  // namespace etlhost::conformance
