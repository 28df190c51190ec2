// The command line: parsing (in-process) and what the binary prints for help, version and
// usage errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <utility>

#include "cli.h"
#include "exit_codes.h"
#include "host_error.h"
#include "host_support.h"

using etlhost::Command;
using etlhost::CommandKind;
using etlhost::parse_command_line;
using etlhost::UsageError;
using hosttest::contains;
using hosttest::current_abi_text;
using hosttest::run_etlhost;

namespace {

// The message of the UsageError that parsing `args` throws ("" when it does not throw).
std::string usage_error(const std::vector<std::string>& args) {
  try {
    parse_command_line(args);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("cli: the three arrow forms name the same source and sink") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", "fullstory", "->", "csv"}, {"run", "fullstory", "to", "csv"}, {"run", "fullstory:csv"}}) {
    CAPTURE(args.size());
    const Command command = parse_command_line(args);
    CHECK(command.kind == CommandKind::kRun);
    CHECK(command.source == "fullstory");
    CHECK(command.sink == "csv");
  }
  const Command paths = parse_command_line({"run", "./etl-a.so", "->", "/opt/etl-b.so"});
  CHECK(paths.source == "./etl-a.so");
  CHECK(paths.sink == "/opt/etl-b.so");
}

TEST_CASE("cli: run options are parsed with their values") {
  const Command command = parse_command_line({"run",
                                              "demo",
                                              "to",
                                              "csv",
                                              "--config",
                                              "c.json",
                                              "--sink-config=s.json",
                                              "--set",
                                              "demo.records=5",
                                              "--set",
                                              "csv.delimiter=;",
                                              "--state",
                                              "st",
                                              "--catalog",
                                              "cat.json",
                                              "--plugin-path",
                                              "/a:/b",
                                              "--plugin-path",
                                              "/c",
                                              "--checkpoint-interval",
                                              "0",
                                              "--progress-interval",
                                              "2.5",
                                              "--log-level",
                                              "debug"});
  CHECK(command.config_files == std::vector<std::string>{"c.json"});
  CHECK(command.sink_config_file == "s.json");
  REQUIRE(command.sets.size() == 2);
  CHECK(command.sets[0].target == "demo");
  CHECK(command.sets[0].key == "records");
  CHECK(command.sets[0].value == "5");
  CHECK(command.sets[1].value == ";");
  CHECK(command.state_file == "st");
  CHECK(command.catalog_file == "cat.json");
  CHECK(command.plugin_path == std::vector<std::string>{"/a:/b", "/c"});
  CHECK(command.checkpoint_interval_s == 0.0);
  CHECK(command.progress_interval_s == 2.5);
  CHECK(command.log_level == etlhost::LogLevel::kDebug);
}

TEST_CASE("cli: --set keeps '=' inside the value and refuses a malformed target") {
  CHECK(parse_command_line({"run", "a:b", "--set", "a.query=x=1"}).sets[0].value == "x=1");
  CHECK(contains(usage_error({"run", "a:b", "--set", "records=5"}), "--set expects PLUGIN.KEY=VALUE"));
  CHECK(contains(usage_error({"run", "a:b", "--set", "a.records"}), "there is no '='"));
}

TEST_CASE("cli: --target CMD is the sink's target key, the command line kept whole") {
  const Command command = parse_command_line(
      {"run", "fullstory", "to", "singer", "--target", "target-postgres --config target.json"});
  REQUIRE(command.sets.size() == 1);
  CHECK(command.sets[0].target == "sink");
  CHECK(command.sets[0].key == "target");
  CHECK(command.sets[0].value == "target-postgres --config target.json");
  CHECK(contains(usage_error({"discover", "demo", "--target", "x"}),
                 "option --target does not apply to etlhost discover"));
}

TEST_CASE("cli: a lone '-' explains the unquoted arrow") {
  const std::string message = usage_error({"run", "fullstory", "-"});
  CHECK(contains(message, "unquoted '->'"));
  CHECK(contains(message, "etlhost run fullstory '->' "));
  CHECK(contains(message, "etlhost run fullstory to "));
  CHECK(contains(message, "etlhost run fullstory:"));
  // Options after the redirection are still passed to etlhost: the '-' is not last then.
  CHECK(contains(usage_error({"run", "fullstory", "-", "--state", "x"}), "unquoted '->'"));
  // `run demo->csv` unquoted arrives as "demo-".
  CHECK(contains(usage_error({"run", "demo-"}), "unquoted '->'"));
}

TEST_CASE("cli: the binary names the file the shell created for stdout") {
  hosttest::TempDir dir;
  etltest::ProcessOptions options;
  options.stdout_path = dir.file("singer");  // what `etlhost run fullstory -> singer` does
  const auto result = run_etlhost({"run", "fullstory", "-"}, options);
  CHECK_MESSAGE(result.exit_code == 2, result.describe());
  CHECK(contains(result.err, dir.file("singer")));
  CHECK(contains(result.err, "etlhost run fullstory to singer"));
  CHECK(contains(result.err, "rm '"));
  CHECK(hosttest::read_file(dir.file("singer")).empty());  // nothing was written to stdout
}

TEST_CASE("cli: wrong run positionals say what was expected") {
  CHECK(contains(usage_error({"run", "demo"}), "expects SOURCE '->' SINK"));
  CHECK(contains(usage_error({"run", "demo", "into", "csv"}), "found 'demo into csv'"));
  CHECK(contains(usage_error({"run", ":csv"}), "expects SOURCE"));
  CHECK(contains(usage_error({"discover"}), "expects one SOURCE"));
  CHECK(contains(usage_error({"check"}), "expects one SOURCE"));
  CHECK(contains(usage_error({"describe", "a", "b"}), "expects one PLUGIN"));
  CHECK(contains(usage_error({"plugins", "extra"}), "takes no arguments"));
}

TEST_CASE("cli: unknown options, missing values and bad numbers name the option") {
  CHECK(contains(usage_error({"run", "a:b", "--sate", "x"}), "unknown option '--sate'"));
  CHECK(contains(usage_error({"run", "a:b", "--sate", "x"}), "did you mean '--state'?"));
  CHECK(contains(usage_error({"run", "a:b", "--state"}), "--state expects FILE, found nothing"));
  CHECK(contains(usage_error({"run", "a:b", "--config", "--state", "x"}), "found the option '--state'"));
  const std::string bad_number = usage_error({"run", "a:b", "--checkpoint-interval", "1s"});
  CHECK(contains(bad_number, "--checkpoint-interval expects a number of seconds"));
  CHECK(contains(bad_number, "found '1s'"));
  CHECK(contains(usage_error({"run", "a:b", "--progress-interval", "-1"}), "found '-1'"));
  CHECK(contains(usage_error({"run", "a:b", "--log-level", "loud"}), "found 'loud'"));
  CHECK(contains(usage_error({"plugins", "--state", "x"}), "does not apply to etlhost plugins"));
  CHECK(contains(usage_error({"plugins", "--json=yes"}), "takes no value"));
  CHECK(contains(usage_error({"rnu"}), "did you mean 'run'?"));
  CHECK(contains(usage_error({}), "missing command"));
}

TEST_CASE("cli: help and version are commands of their own") {
  CHECK(parse_command_line({"--help"}).kind == CommandKind::kHelp);
  CHECK(parse_command_line({"-h"}).help_topic.empty());
  CHECK(parse_command_line({"help", "run"}).help_topic == "run");
  CHECK(parse_command_line({"run", "--help"}).help_topic == "run");
  CHECK(parse_command_line({"discover", "-h"}).help_topic == "discover");
  // --help wins over everything else on the line, even a broken rest.
  CHECK(parse_command_line({"run", "demo", "--state", "x", "-h"}).kind == CommandKind::kHelp);
  CHECK(parse_command_line({"--version"}).kind == CommandKind::kVersion);
  CHECK(contains(usage_error({"help", "runn"}), "did you mean 'run'?"));
}

TEST_CASE("cli: the binary prints help and version on stdout and exits 0") {
  const auto help = run_etlhost({"--help"});
  CHECK_MESSAGE(help.exit_code == 0, help.describe());
  CHECK(contains(help.out, "Exit codes"));
  CHECK(contains(help.out, "141"));
  CHECK(contains(help.out, "'->'"));
  CHECK(help.err.empty());
  for (const char* command : {"run", "check", "discover", "plugins", "describe"}) {
    CAPTURE(command);
    const auto by_flag = run_etlhost({command, "--help"});
    const auto by_help = run_etlhost({"help", command});
    CHECK(by_flag.exit_code == 0);
    CHECK(by_flag.out == by_help.out);
    CHECK(contains(by_flag.out, std::string("etlhost ") + command));
  }
  CHECK(contains(run_etlhost({"help", "run"}).out, "--checkpoint-interval"));

  const auto version = run_etlhost({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(std::regex_match(version.out,
                         std::regex(R"(etlhost \d+\.\d+\.\d+ \(plugin ABI )" + current_abi_text() + "\\)\n")));
}

TEST_CASE("cli: the binary reports usage errors on stderr with exit 2 and nothing on stdout") {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{},
                                             {"run", "demo", "to", "null", "--bogus"},
                                             {"run", "demo", "to", "null", "--state"},
                                             {"run", "demo", "to", "null", "--checkpoint-interval", "soon"},
                                             {"frobnicate"}}) {
    const auto result = run_etlhost(args);
    CHECK_MESSAGE(result.exit_code == 2, result.describe());
    CHECK(result.out.empty());
    CHECK(contains(result.err, "etlhost: "));
    CHECK(contains(result.err, "--help"));
  }
}

TEST_CASE("cli: README.md's exit-code table is etlhost's own") {
  // The rows "| 3 | config: ... |" of the section "## Exit codes"; backticks are markup.
  const std::string readme = hosttest::read_file(ETLHOST_TEST_README);
  const size_t section = readme.find("\n## Exit codes\n");
  REQUIRE(section != std::string::npos);
  const size_t next_section = readme.find("\n## ", section + 1);
  const std::regex row(R"(\| (\d+) \| (.*) \|)");
  std::vector<std::pair<int, std::string>> documented;
  for (const std::string& line : hosttest::lines_of(readme.substr(section, next_section - section))) {
    std::smatch match;
    if (!std::regex_match(line, match, row)) continue;
    std::string meaning = match[2];
    meaning.erase(std::remove(meaning.begin(), meaning.end(), '`'), meaning.end());
    documented.emplace_back(std::stoi(match[1]), meaning);
  }
  std::vector<std::pair<int, std::string>> table;
  for (const etlhost::ExitCodeInfo& info : etlhost::kExitCodeTable) table.emplace_back(info.code, info.meaning);
  CHECK(documented == table);
}

TEST_CASE("cli: tap takes the singer-python and Meltano SDK argument shapes") {
  // Meltano / pipelinewise: long options.
  Command command = parse_command_line(
      {"tap", "fullstory", "--config", "a.json", "--config", "b.json", "--state", "s.json", "--catalog", "cat.json"});
  CHECK(command.kind == CommandKind::kTap);
  CHECK(command.source == "fullstory");
  CHECK(command.config_files == std::vector<std::string>{"a.json", "b.json"});
  CHECK(command.state_file == "s.json");
  CHECK(command.catalog_file == "cat.json");
  // singer-python: short options and the older --properties.
  command = parse_command_line({"tap", "fullstory", "-c", "c.json", "-s", "s.json", "-p", "p.json"});
  CHECK(command.config_files == std::vector<std::string>{"c.json"});
  CHECK(command.state_file == "s.json");
  CHECK(command.catalog_file == "p.json");
  CHECK(parse_command_line({"tap", "fullstory", "--properties=p.json"}).catalog_file == "p.json");
  CHECK(parse_command_line({"tap", "fullstory", "-c", "c.json", "-d"}).discover);
  CHECK(parse_command_line({"tap", "fullstory", "--discover"}).discover);
  command = parse_command_line({"tap", "fullstory", "--about", "--format=json"});
  CHECK(command.about);
  CHECK(command.about_format == etlhost::AboutFormat::kJson);
  CHECK(parse_command_line({"tap", "fullstory", "--version"}).version);
  CHECK(parse_command_line({"tap", "fullstory", "--help"}).help_topic == "tap");
  // run takes --properties too.
  CHECK(parse_command_line({"run", "demo:csv", "--properties", "p.json"}).catalog_file == "p.json");
}

TEST_CASE("cli: tap refuses contradictory modes and a second catalog") {
  CHECK(contains(usage_error({"tap", "demo", "--about", "--discover"}), "exclude each other"));
  CHECK(contains(usage_error({"tap", "demo", "--format", "json"}), "--format applies to --about only"));
  CHECK(contains(usage_error({"tap", "demo", "--about", "--format", "yaml"}), "expects markdown or json"));
  CHECK(contains(usage_error({"tap", "demo", "--catalog", "a", "-p", "b"}), "give it once"));
  CHECK(contains(usage_error({"tap"}), "expects one SOURCE"));
  CHECK(contains(usage_error({"run", "a:b", "--discover"}), "does not apply to etlhost run"));
}

TEST_CASE("cli: a program named tap-NAME is etlhost tap NAME") {
  using etlhost::etlhost_arguments;
  const std::vector<std::string> args{"--config", "c.json"};
  CHECK(etlhost_arguments("/usr/local/bin/tap-fullstory", args) ==
        std::vector<std::string>{"tap", "fullstory", "--config", "c.json"});
  CHECK(etlhost_arguments("/usr/local/bin/etlhost", args) == args);
  CHECK(etlhost_arguments("tap-", args) == args);  // no name: plain etlhost
}

TEST_CASE("cli: check takes one SOURCE and run offers --dry-run") {
  const Command check = parse_command_line({"check", "fullstory", "--config", "f.json", "-q"});
  CHECK(check.kind == CommandKind::kCheck);
  CHECK(check.source == "fullstory");
  CHECK(check.log_level == etlhost::LogLevel::kWarn);
  CHECK(parse_command_line({"run", "demo:csv", "--dry-run"}).dry_run);
  CHECK(contains(usage_error({"check", "demo", "--dry-run"}), "option --dry-run does not apply to etlhost check"));
}
