// Config validation and layering against a plugin's spec (in-process), plus the CLI-level
// rules for secrets.
#include <doctest/doctest.h>

#include <map>
#include <tuple>

#include "config_builder.h"
#include "etlhost/plugin.h"
#include "exit_codes.h"
#include "host_error.h"
#include "host_support.h"

using etlhost::BuiltConfig;
using etlhost::ConfigField;
using etlhost::ConfigInputs;
using etlhost::ConfigOverride;
using etlhost::HostError;
using hosttest::contains;

namespace {

std::vector<ConfigField> spec() {
  std::vector<ConfigField> fields(6);
  fields[0] = {"api_key", ETL_CONFIG_STRING, true, true, std::nullopt, "FULLSTORY_API_KEY", "The key."};
  fields[1] = {"delimiter", ETL_CONFIG_STRING, false, false, "\",\"", std::nullopt, "Field separator."};
  fields[2] = {"batch_size", ETL_CONFIG_INTEGER, false, false, "100", "X_BATCH_SIZE", "Rows per batch."};
  fields[3] = {"ratio", ETL_CONFIG_NUMBER, false, false, std::nullopt, std::nullopt, "A number."};
  fields[4] = {"verbose", ETL_CONFIG_BOOLEAN, false, false, "false", "X_VERBOSE", "Chatty."};
  fields[5] = {"extra", ETL_CONFIG_JSON, false, false, std::nullopt, std::nullopt, "Anything."};
  return fields;
}

using Env = std::map<std::string, std::string>;

etlhost::EnvLookup env_of(Env vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct Case {
  std::optional<std::string> file_text;  // written to a temp file when set
  std::vector<ConfigOverride> sets;
  Env env{{"FULLSTORY_API_KEY", "key-from-env"}};
  bool enforce_required = true;  // false as for `etlhost discover`
};

BuiltConfig build(const Case& c, const std::string& plugin = "fullstory") {
  hosttest::TempDir dir;
  ConfigInputs inputs{plugin, "--config", {}, c.sets};
  inputs.enforce_required = c.enforce_required;
  if (c.file_text) {
    inputs.file_paths = {dir.file("config.json")};
    hosttest::write_file(inputs.file_paths.front(), *c.file_text);
  }
  return etlhost::build_config(spec(), inputs, env_of(c.env));
}

// The message of the HostError `build` throws; checks the exit code is 3.
std::string config_error(const Case& c, const std::string& plugin = "fullstory") {
  try {
    build(c, plugin);
  } catch (const HostError& error) {
    CHECK(error.exit_code() == etlhost::exit_code::kConfig);
    return error.what();
  }
  FAIL("expected a config error");
  return "";
}

ConfigOverride set(const std::string& key, const std::string& value) { return {key, value, "fullstory." + key}; }

}  // namespace

TEST_CASE("config: defaults fill missing keys, in spec order") {
  const BuiltConfig built = build(Case{});
  CHECK(built.values["delimiter"] == ",");
  CHECK(built.values["batch_size"] == 100);
  CHECK(built.values["verbose"] == false);
  CHECK_FALSE(built.values.contains("ratio"));  // no default, not given: absent
  CHECK(built.json_text == R"({"api_key":"key-from-env","delimiter":",","batch_size":100,"verbose":false})");
}

TEST_CASE("config: layering is --set > file > env > default") {
  Case c;
  c.env["X_BATCH_SIZE"] = "7";
  CHECK(build(c).values["batch_size"] == 7);  // env beats the default
  c.file_text = R"({"batch_size": 8})";
  CHECK(build(c).values["batch_size"] == 8);  // file beats env
  c.sets = {set("batch_size", "9")};
  CHECK(build(c).values["batch_size"] == 9);  // --set beats the file
}

TEST_CASE("config: an env variable fills a key, an empty one counts as unset") {
  Case c;
  c.env["X_VERBOSE"] = "true";
  CHECK(build(c).values["verbose"] == true);
  c.env["X_VERBOSE"] = "";
  CHECK(build(c).values["verbose"] == false);
  c.env["X_VERBOSE"] = "yes";
  const std::string message = config_error(c);
  CHECK(contains(message, "environment variable X_VERBOSE"));
  CHECK(contains(message, "expects true or false, found 'yes'"));
}

TEST_CASE("config: every key can come from ETLHOST_PLUGIN_KEY, which beats the key's own variable") {
  Case c;
  c.env["ETLHOST_FULLSTORY_DELIMITER"] = "|";  // a key with no variable of its own
  c.env["ETLHOST_FULLSTORY_BATCH_SIZE"] = "5";
  c.env["X_BATCH_SIZE"] = "6";
  BuiltConfig built = build(c);
  CHECK(built.values["delimiter"] == "|");
  CHECK(built.values["batch_size"] == 5);
  c.env.erase("ETLHOST_FULLSTORY_BATCH_SIZE");
  CHECK(build(c).values["batch_size"] == 6);  // the key's own name still works
  c.file_text = R"({"delimiter": ";"})";
  CHECK(build(c).values["delimiter"] == ";");  // the file beats the environment
  c.env["ETLHOST_FULLSTORY_BATCH_SIZE"] = "many";
  CHECK(contains(config_error(c), "environment variable ETLHOST_FULLSTORY_BATCH_SIZE (for key 'batch_size') "
                                  "expects an integer"));
  CHECK(etlhost::config_env_names("t-script.v2", spec()[1]) ==
        std::vector<std::string>{"ETLHOST_T_SCRIPT_V2_DELIMITER"});
}

TEST_CASE("config: --set text is converted to the field's type") {
  Case c;
  c.sets = {set("delimiter", "007"), set("batch_size", "-42"), set("ratio", "1.5e3"), set("verbose", "true"),
            set("extra", R"({"a":[1,2]})")};
  const BuiltConfig built = build(c);
  CHECK(built.values["delimiter"] == "007");  // a string stays a string
  CHECK(built.values["batch_size"].is_number_integer());
  CHECK(built.values["batch_size"] == -42);
  CHECK(built.values["ratio"] == 1500.0);
  CHECK(built.values["verbose"] == true);
  CHECK(built.values["extra"]["a"][1] == 2);
}

TEST_CASE("config: --set integers are strict") {
  for (const char* bad : {"42x", "4.2", "", " 42", "+42", "0x10", "9223372036854775808"}) {
    CAPTURE(bad);
    Case c;
    c.sets = {set("batch_size", bad)};
    const std::string message = config_error(c);
    CHECK(contains(message, "--set fullstory.batch_size"));
    CHECK(contains(message, "expects an integer"));
  }
  Case edge;
  edge.sets = {set("batch_size", "9223372036854775807")};
  CHECK(build(edge).values["batch_size"] == INT64_MAX);
  Case boolean;
  boolean.sets = {set("verbose", "1")};
  CHECK(contains(config_error(boolean), "expects true or false, found '1'"));
  Case json;
  json.sets = {set("extra", "{nope")};
  CHECK(contains(config_error(json), "expects a JSON value"));
}

TEST_CASE("config: numbers out of range in --set and the environment are config errors, not internal ones") {
  for (const ConfigOverride& bad : {set("ratio", "1e999"), set("ratio", "-1e999"), set("extra", R"({"a":[1e999]})"),
                                    set("extra", "18446744073709551616")}) {
    CAPTURE(bad.value);
    Case c;
    c.sets = {bad};
    CHECK(contains(config_error(c), "--set fullstory." + bad.key + " expects a"));
  }
  Case from_file;
  from_file.file_text = R"({"extra": {"deep": [2e400]}})";
  CHECK(contains(config_error(from_file), "the number 2e400 at line 1, column 21 is beyond the range of a double"));
}

TEST_CASE("config: an unknown key is refused with a did-you-mean") {
  Case c;
  c.file_text = R"({"delimeter": ";"})";
  const std::string message = config_error(c, "csv");
  CHECK(contains(message, "csv config: unknown key 'delimeter'"));
  CHECK(contains(message, "did you mean 'delimiter'?"));
  CHECK(contains(message, "config.json"));
  Case prefix;
  prefix.sets = {set("batch", "1")};
  CHECK(contains(config_error(prefix), "did you mean 'batch_size'?"));
  Case far;
  far.sets = {set("zzzzzz", "1")};
  CHECK_FALSE(contains(config_error(far), "did you mean"));
}

TEST_CASE("config: wrong JSON types name the key, the expectation, the finding and the file") {
  Case c;
  c.file_text = R"({"delimiter": 5})";
  const std::string message = config_error(c, "csv");
  CHECK(contains(message, "csv config: key 'delimiter' expects a string, found a number (in --config "));
  Case fraction;
  fraction.file_text = R"({"batch_size": 1.5})";
  CHECK(contains(config_error(fraction), "expects an integer, found a number with a fraction"));
  Case huge;
  huge.file_text = R"({"batch_size": 18446744073709551615})";
  CHECK(contains(config_error(huge), "outside the int64 range"));
  Case null_value;
  null_value.file_text = R"({"verbose": null})";
  CHECK(contains(config_error(null_value), "expects true or false, found null"));
}

TEST_CASE("config: a missing required key says where to set it") {
  Case c;
  c.env.clear();
  CHECK(config_error(c) == "fullstory config: required key 'api_key' is missing: set it in --config FILE or the "
                           "ETLHOST_FULLSTORY_API_KEY or FULLSTORY_API_KEY environment variable");
}

TEST_CASE("config: discover does not require required keys, but still checks the rest") {
  Case c;
  c.env.clear();
  c.enforce_required = false;
  const BuiltConfig built = build(c);
  CHECK_FALSE(built.values.contains("api_key"));
  c.file_text = R"({"api_kye": "x"})";
  CHECK(contains(config_error(c), "unknown key 'api_kye'"));
  c.file_text = R"({"api_key": 42})";
  CHECK(contains(config_error(c), "expects a string"));
}

TEST_CASE("config: a config file that is not a JSON object is refused, naming the file") {
  Case array;
  array.file_text = "[1, 2]";
  const std::string not_object = config_error(array);
  CHECK(contains(not_object, "config.json"));
  CHECK(contains(not_object, "must hold a JSON object, found an array"));
  Case broken;
  broken.file_text = "{\n  \"delimiter\": ,\n}";
  const std::string parse = config_error(broken);
  CHECK(contains(parse, "config.json"));
  CHECK(contains(parse, "is not valid JSON"));
  CHECK(contains(parse, "line 2"));  // the parse error's position

  ConfigInputs missing{"fullstory", "--config", {"/nonexistent/dir/config.json"}, {}};
  CHECK_THROWS_WITH_AS(etlhost::build_config(spec(), missing, env_of({{"FULLSTORY_API_KEY", "k"}})),
                       doctest::Contains("cannot read fullstory config file /nonexistent/dir/config.json"), HostError);
}

TEST_CASE("config: a number beyond a double (1e999) is a config error naming the file, not an internal error") {
  // Found by config_builder_fuzzer: nlohmann's out_of_range escaped as exit 1.
  Case file;
  file.file_text = R"({"ratio": 1e999})";
  const std::string message = config_error(file);
  CHECK(contains(message, "config.json"));
  CHECK(contains(message, "the number 1e999 at line 1, column 11 is beyond the range of a double"));
  for (const auto& [key, value, expected] :
       {std::tuple{"ratio", "1e999", "--set fullstory.ratio expects a number"},
        std::tuple{"extra", "[1e999]", "--set fullstory.extra expects a JSON value"}}) {
    Case on_command_line;
    on_command_line.sets = {set(key, value)};
    CHECK(contains(config_error(on_command_line), expected));
  }
}

TEST_CASE("config: a secret is refused on the command line and never printed") {
  Case c;
  c.sets = {set("api_key", "hunter2-on-argv")};
  const std::string message = config_error(c);
  CHECK(message ==
        "fullstory.api_key is a secret: put it in the config file (--config) or the ETLHOST_FULLSTORY_API_KEY or "
        "FULLSTORY_API_KEY environment variable, not on the command line, where any user can read it with ps");
  CHECK_FALSE(contains(message, "hunter2"));

  Case wrong_type;
  wrong_type.file_text = R"({"api_key": 123456789})";
  const std::string type_message = config_error(wrong_type);
  CHECK(contains(type_message, "expects a string, found a number"));
  CHECK_FALSE(contains(type_message, "123456789"));

  // The values of secret fields are collected for the logger's redaction.
  Case from_file;
  from_file.file_text = R"({"api_key": "s3cr3t-from-file"})";
  CHECK(build(from_file).secrets == std::vector<std::string>{"s3cr3t-from-file"});
  CHECK(build(Case{}).secrets == std::vector<std::string>{"key-from-env"});
}

TEST_CASE("config: a secret shorter than 12 bytes is refused with its length and the minimum, never its text") {
  Case from_env;
  from_env.env = {{"FULLSTORY_API_KEY", "na1.short"}};
  const std::string message = config_error(from_env);
  CHECK(message ==
        "fullstory config: secret key 'api_key' (from the FULLSTORY_API_KEY environment variable) is 9 bytes long; a "
        "secret needs at least 12: a shorter one cannot be told apart from ordinary text, so it cannot be kept out of "
        "the logs. Give the whole secret, as its issuer shows it, not a part of it");
  CHECK_FALSE(contains(message, "na1.short"));

  Case from_file;
  from_file.file_text = R"({"api_key": "k"})";
  const std::string file_message = config_error(from_file);
  CHECK(contains(file_message, "secret key 'api_key' (in --config "));
  CHECK(contains(file_message, "is 1 byte long; a secret needs at least 12"));

  Case twelve;  // the minimum itself is enough
  twelve.env = {{"FULLSTORY_API_KEY", "na1.12-bytes"}};
  CHECK(build(twelve).secrets == std::vector<std::string>{"na1.12-bytes"});
}

TEST_CASE("config: a secret integer from the environment is not echoed when it fails to convert") {
  std::vector<ConfigField> fields{{"pin", ETL_CONFIG_INTEGER, false, true, std::nullopt, "X_PIN", ""}};
  ConfigInputs inputs{"bank", "--config", {}, {}};
  try {
    etlhost::build_config(fields, inputs, env_of({{"X_PIN", "12ab34"}}));
    FAIL("expected a config error");
  } catch (const HostError& error) {
    CHECK(contains(error.what(), "X_PIN"));
    CHECK_FALSE(contains(error.what(), "12ab34"));
  }
}

TEST_CASE("config (binary): secrets on argv are refused, secrets in logs and errors are redacted") {
  hosttest::TempDir dir;
  const auto on_argv = hosttest::run_etlhost({"run", "t-script", "to", "t-recsink", "--set",
                                              "t-script.token=argv-secret", "--set",
                                              "t-recsink.path=" + dir.file("journal")});
  CHECK_MESSAGE(on_argv.exit_code == 3, on_argv.describe());
  CHECK(contains(on_argv.err, "t-script.token is a secret"));
  CHECK(contains(on_argv.err, "T_SCRIPT_TOKEN"));
  CHECK_FALSE(contains(on_argv.err, "argv-secret"));

  // t-script in mode "fail" logs its token and puts it in its error message.
  etltest::ProcessOptions options;
  options.env["T_SCRIPT_TOKEN"] = "tok-8c1f-secret";
  const auto failing = hosttest::run_etlhost({"run", "t-script", "to", "t-recsink", "--set", "t-script.mode=fail",
                                              "--set", "t-recsink.path=" + dir.file("journal"), "--log-level", "debug"},
                                             options);
  CHECK_MESSAGE(failing.exit_code == 5, failing.describe());
  CHECK_FALSE(contains(failing.err, "tok-8c1f-secret"));
  CHECK(contains(failing.err, "token is ***"));
  CHECK(contains(failing.err, "upstream broke while using token ***"));
}

TEST_CASE("config (binary): a secret too short to redact is refused with exit 3 and never printed") {
  hosttest::TempDir dir;
  etltest::ProcessOptions options;
  options.env["T_SCRIPT_TOKEN"] = "tok-8c1f";
  const auto run = hosttest::run_etlhost(
      {"run", "t-script", "to", "t-recsink", "--set", "t-recsink.path=" + dir.file("journal")}, options);
  CHECK_MESSAGE(run.exit_code == 3, run.describe());
  CHECK(contains(run.err, "t-script config: secret key 'token' (from the T_SCRIPT_TOKEN environment variable) is 8 "
                          "bytes long; a secret needs at least 12"));
  CHECK_FALSE(contains(run.err, "tok-8c1f"));
  CHECK_FALSE(hosttest::file_exists(dir.file("journal")));  // refused before anything ran
}

TEST_CASE("config (binary): config errors and create() refusals exit 3 before anything runs") {
  hosttest::TempDir dir;
  const std::string journal = dir.file("journal");
  const auto missing = hosttest::run_etlhost({"run", "t-script", "to", "t-recsink"});
  CHECK_MESSAGE(missing.exit_code == 3, missing.describe());
  CHECK(contains(missing.err, "t-recsink config: required key 'path' is missing: set it in --sink-config FILE"));

  hosttest::write_file(dir.file("sink.json"), R"({"path": 5})");
  const auto wrong = hosttest::run_etlhost(
      {"run", "t-script", "to", "t-recsink", "--sink-config", dir.file("sink.json")});
  CHECK(wrong.exit_code == 3);
  CHECK(contains(wrong.err, "t-recsink config: key 'path' expects a string, found a number (in --sink-config " +
                                dir.file("sink.json") + ")"));

  const auto refused = hosttest::run_etlhost(
      {"run", "t-script", "to", "t-recsink", "--set", "t-script.mode=refuse", "--set", "sink.path=" + journal});
  CHECK_MESSAGE(refused.exit_code == 3, refused.describe());
  CHECK(contains(refused.err, "source 't-script' refused its config: t-script config: mode 'refuse' refuses to run"));

  const auto unrouted = hosttest::run_etlhost({"run", "t-script", "to", "t-recsink", "--set", "csv.path=x"});
  CHECK(unrouted.exit_code == 2);
  CHECK(contains(unrouted.err, "'csv' is neither the source ('t-script') nor the sink ('t-recsink')"));
}

TEST_CASE("config: several config files merge in order and a later file's key wins") {
  hosttest::TempDir dir;
  const std::string first = dir.file("a.json");
  const std::string second = dir.file("b.json");
  hosttest::write_file(first, R"({"batch_size": 1, "delimiter": ";"})");
  hosttest::write_file(second, R"({"batch_size": 2, "verbose": true})");
  ConfigInputs inputs{"fullstory", "--config", {first, second}, {}};
  const BuiltConfig built = etlhost::build_config(spec(), inputs, env_of(Env{{"FULLSTORY_API_KEY", "key-from-env"}}));
  CHECK(built.values["batch_size"] == 2);   // the later file wins
  CHECK(built.values["delimiter"] == ";");  // only in the first: kept
  CHECK(built.values["verbose"] == true);   // only in the second
  // A bad key is named with the file it is in, not the last file given.
  hosttest::write_file(first, R"({"batch_sise": 1})");
  try {
    etlhost::build_config(spec(), inputs, env_of(Env{}));
    FAIL("expected a config error");
  } catch (const HostError& error) {
    CHECK(contains(error.what(), "unknown key 'batch_sise' (in --config " + first + ")"));
  }
}
