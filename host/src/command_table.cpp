#include "command_table.h"

#include "commands/commands.h"
#include "exit_codes.h"

namespace etlhost {

namespace {

constexpr const char* kRunHelp = R"(Usage: etlhost run SOURCE '->' SINK [options]
       etlhost run SOURCE to SINK [options]
       etlhost run SOURCE:SINK [options]

Moves data from SOURCE to SINK. With --state, the state file records how far the
run got, committed only after the sink made everything before it durable; the next
run resumes from there.

Options:
{options}
Quote the arrow: unquoted, `etlhost run a -> b` makes the shell write stdout to a file
named b. stdout belongs to the sink (singer writes its messages there); etlhost logs to
stderr only.

{exit_codes})";

constexpr const char* kTapHelp = R"(Usage: etlhost tap SOURCE [options]
       tap-SOURCE [options]         (etlhost installed under that name, e.g. tap-fullstory)

Runs SOURCE as a Singer tap, for orchestrators (Meltano, pipelinewise, Airflow) and
`tap | target` pipelines: the singer-python and Meltano SDK command line, Singer messages
on stdout, logs on stderr. The state file is input only: never written and never locked,
since the orchestrator keeps the state (the target's last STATE line).

Options:
{options}
--state takes a Singer state ({"bookmarks": ...} or the last STATE value), a whole STATE
message line, an etlhost state file, or tap-fullstory's {"events": "..."}; an empty file
is a first run.

{exit_codes})";

constexpr const char* kCheckHelp = R"(Usage: etlhost check SOURCE [options]

Checks that SOURCE's config works, in seconds: builds the config as run does (required
keys included), lets the source refuse it (create), then makes the source's cheapest real
request (its check(); for fullstory one export/list: address, TLS, API key, the Data
Export add-on). Prints the verdict on stderr: "check: SOURCE VERSION OK: ..." or
"... FAILED: " and why. A source without check() is checked as far as its config goes,
and the verdict says so. No data is fetched, nothing is written.

Options:
{options}
{exit_codes})";

constexpr const char* kDiscoverHelp = R"(Usage: etlhost discover SOURCE [options]

Prints the source's Singer catalog ({"streams": [...]}) on stdout. Edit it (set
"selected": false in a stream's metadata) and pass it to `etlhost run --catalog FILE`.

Options:
{options})";

constexpr const char* kPluginsHelp = R"(Usage: etlhost plugins [options]

Lists every etl-*.so in the plugin search path: name, kind, version, plugin ABI and
path. A plugin found again later in the path is marked as shadowed (the first one
wins); files that fail to load (each is loaded in a child process, so a crash or an
exit() while loading is one of them) are listed as broken with the reason, and the
exit code is then 4.

Search path, in order: each dir of --plugin-path, each dir of ETLHOST_PLUGIN_PATH,
then <etlhost dir>/../lib/etlhost/plugins. The current directory is never searched.

Options:
{options})";

constexpr const char* kDescribeHelp = R"(Usage: etlhost describe PLUGIN [options]

Shows a plugin's name, kind, version, ABI, path and description, and its config keys:
type, whether required, default, whether secret, environment variable, help.

Options:
{options})";

constexpr const char* kTestPluginHelp = R"(Usage: etlhost test-plugin PLUGIN [options]

The conformance kit: runs every check that applies to PLUGIN (a name or a path to its .so)
and prints one line per check, PASS, FAIL or SKIP, then what was expected, what happened
and how to fix each failure, then "N passed, N failed, N skipped". Each check that calls
plugin code runs in a child process under a time limit, so a crash, an exit() or a hang in
the plugin becomes a FAIL naming the callback, never a dead kit.

{checks}
Options:
{options}
Exit codes: 0 no check failed, 2 usage, 3 config (unreadable, invalid for the plugin's
spec), 4 plugin not found, 8 conformance checks failed.

In CI: etlhost test-plugin ./build/etl-mysink.so --config ci.json --output /tmp/out
)";

constexpr const char* kHistoryHelp = R"(Usage: etlhost history --state FILE [--json] [--last N]

Shows the runs recorded beside the state file FILE (in FILE.history.jsonl, one JSON
object per run, appended by `etlhost run --state FILE` whatever the run's outcome):
when each started, how long it took, its outcome, records, units of work (bundles) and
time spent waiting for the API. --json prints the records themselves, as a JSON array.

Options:
{options})";

constexpr const char* kHelpHelp = R"(Usage: etlhost help [COMMAND]

Shows the main help, or the help of COMMAND ({topics}).
)";

// How a tap sync can end: a run into the singer sink (no managed target, no test-plugin).
const std::vector<int> kTapExitCodes{exit_code::kOk,         exit_code::kUsage,        exit_code::kConfig,
                                     exit_code::kPluginLoad, exit_code::kSourceFailed, exit_code::kSinkFailed,
                                     exit_code::kStateFile,  exit_code::kInterrupted,  exit_code::kDownstreamClosed,
                                     exit_code::kTerminated};

// The width of an option's name column, as each help lays it out.
constexpr size_t kWideColumn = 30;
constexpr size_t kNarrowColumn = 23;

}  // namespace

const char* const kMainHelpTemplate =
    R"(etlhost: moves data from a source plugin to a sink plugin, committing state only
after the sink made the data durable, so no record is lost or duplicated.

Usage:
{commands}
Examples:
  etlhost run fullstory '->' csv --config fullstory.json --state fullstory.state
  etlhost run fullstory to singer --config fullstory.json --target 'target-postgres'
  etlhost run demo:csv --set demo.records=100 --set csv.output_dir=out

Quote the arrow: an unquoted -> is a shell redirection.

SOURCE, SINK and PLUGIN are plugin names (etl-NAME.so, searched in --plugin-path,
then ETLHOST_PLUGIN_PATH, then <etlhost dir>/../lib/etlhost/plugins) or paths to a
.so file (anything containing '/' or ending in .so).

Exit codes:
{exit_codes})";

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs{
      {"--config", kOptConfig, "FILE", "-c", nullptr},
      {"--sink-config", kOptSinkConfig, "FILE", nullptr, "the sink's config, a JSON object"},
      {"--set", kOptSet, "PLUGIN.KEY=VALUE", nullptr, "set one config key (repeatable; not for secret keys)"},
      {"--state", kOptState, "FILE", "-s", "read and commit state in FILE (locked during the run)"},
      {"--catalog", kOptCatalog, "FILE", nullptr, "a Singer catalog selecting streams (default: all streams)"},
      {"--properties", kOptProperties, "FILE", "-p", "the older name of --catalog"},
      {"--discover", kOptDiscover, nullptr, "-d", "print the catalog (as `etlhost discover`) instead of syncing"},
      {"--about", kOptAbout, nullptr, nullptr, "print name, version, capabilities and settings"},
      {"--format", kOptFormat, "FORMAT", nullptr, "--about's format: markdown (default) or json"},
      {"--version", kOptVersion, nullptr, nullptr, "print the plugin's and etlhost's versions"},
      {"--plugin-path", kOptPluginPath, "DIRS", nullptr, "colon-separated directories searched first for plugins"},
      {"--checkpoint-interval", kOptCheckpointInterval, "SECONDS", nullptr,
       "seconds between state commits (default 1; 0 = every STATE)"},
      {"--progress-interval", kOptProgressInterval, "SECONDS", nullptr,
       "seconds between progress lines on stderr (default 10; 0 = off)"},
      {"--log-level", kOptLogLevel, "LEVEL", nullptr, "error, warn, info (default) or debug"},
      {"--verbose", kOptVerbose, nullptr, "-v", "log at debug level (= --log-level debug)"},
      {"--quiet", kOptQuiet, nullptr, "-q", "log warnings and errors only (= --log-level warn)"},
      {"--log-format", kOptLogFormat, "FORMAT", nullptr, "text (default) or json: one JSON object per line"},
      {"--progress", kOptProgress, "MODE", nullptr,
       "auto (default: a live line on a terminal, else plain lines),\n"
       "tty, plain, json (events for orchestrators) or off"},
      {"--progress-file", kOptProgressFile, "FILE", nullptr, "write --progress json events to FILE, not stderr"},
      {"--report", kOptReport, "FILE", nullptr,
       "also write this run's record to FILE (one JSON object,\nas in `etlhost history --json`)"},
      {"--full-refresh", kOptFullRefresh, nullptr, nullptr,
       "start over: ignore the state's position, replace the sink's\noutput"},
      {"--dry-run", kOptDryRun, nullptr, nullptr, "print what the run would fetch; fetch nothing, move no state"},
      {"--json", kOptJson, nullptr, nullptr, "machine-readable output"},
      {"--last", kOptLast, "N", nullptr, "only the newest N runs"},
      {"--output", kOptOutput, "PATH", nullptr, nullptr},
      {"--quick", kOptQuick, nullptr, nullptr, nullptr},
      {"--keep-going", kOptKeepGoing, nullptr, nullptr, nullptr},
      {"--seed", kOptSeed, "N", nullptr, nullptr},
      {"--timeout", kOptTimeout, "SECONDS", nullptr, nullptr},
      {"--target", kOptTarget, "CMD", nullptr,
       "run the Singer target CMD (a command line) and feed it\n"
       "the stream; state advances only as far as the STATEs it\n"
       "emits back (= --set singer.target=CMD)"},
      {"--help", kOptHelp, nullptr, "-h", "show this help"},
  };
  return specs;
}

const std::vector<CommandSpec>& command_specs() {
  using namespace exit_code;
  constexpr const char* kSearchedFirst = "colon-separated directories searched first";
  static const std::vector<CommandSpec> specs{
      {CommandKind::kRun,
       "run",
       "run SOURCE '->' SINK [options]",
       "move data (also: SOURCE to SINK, SOURCE:SINK)",
       kRunHelp,
       {{kOptConfig, nullptr, "the source's config, a JSON object (Singer convention)"},
        {kOptSinkConfig, nullptr, nullptr},
        {kOptTarget, nullptr, nullptr},
        {kOptSet, nullptr,
         "set one config key (repeatable); PLUGIN is the source's or\n"
         "the sink's name, or `source` / `sink`. Highest priority:\n"
         "--set > config file > ETLHOST_PLUGIN_KEY > the key's own\n"
         "env variable > default.\n"
         "Secret keys are refused here (ps shows argv to everyone)."},
        {kOptState, nullptr, nullptr},
        {kOptCatalog, nullptr, nullptr},
        {kOptProperties, nullptr, nullptr},
        {kOptFullRefresh, nullptr, "start over from the source's start (start_date) and\nreplace the sink's output"},
        {kOptDryRun, nullptr,
         "print what the run would fetch from the state (the source's\n"
         "plan): a summary on stderr, its JSON on stdout. Fetches no\n"
         "data, creates no sink, writes no state"},
        {kOptCheckpointInterval, "SECS", nullptr},
        {kOptProgressInterval, "SECS", nullptr},
        {kOptProgress, nullptr, nullptr},
        {kOptProgressFile, nullptr, nullptr},
        {kOptReport, nullptr, nullptr},
        {kOptPluginPath, nullptr, nullptr},
        {kOptLogLevel, nullptr, nullptr},
        {kOptVerbose, nullptr, nullptr},
        {kOptQuiet, nullptr, nullptr},
        {kOptLogFormat, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {kOk, kUsage, kConfig, kPluginLoad, kSourceFailed, kSinkFailed, kStateFile, kTargetFailed, kInterrupted,
        kDownstreamClosed, kTerminated},
       &run_command},
      {CommandKind::kTap,
       "tap",
       "tap SOURCE [options]",
       "run SOURCE as a Singer tap (also: tap-SOURCE)",
       kTapHelp,
       {{kOptConfig, nullptr,
         "the source's config, a JSON object; repeatable: the files are\n"
         "merged in order, a later file's key wins"},
        {kOptState, nullptr, "the state to resume from (read only)"},
        {kOptCatalog, nullptr, nullptr},
        {kOptProperties, nullptr, nullptr},
        {kOptDiscover, nullptr, nullptr},
        {kOptAbout, nullptr, nullptr},
        {kOptFormat, nullptr, nullptr},
        {kOptVersion, nullptr, nullptr},
        {kOptPluginPath, nullptr, nullptr},
        {kOptLogLevel, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       kTapExitCodes,
       &tap_command},
      {CommandKind::kCheck,
       "check",
       "check SOURCE [options]",
       "check that a source's config works",
       kCheckHelp,
       {{kOptConfig, nullptr, "the source's config, a JSON object"},
        {kOptSet, "SOURCE.KEY=VALUE", nullptr},
        {kOptPluginPath, nullptr, nullptr},
        {kOptLogLevel, nullptr, nullptr},
        {kOptVerbose, nullptr, nullptr},
        {kOptQuiet, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {kOk, kUsage, kConfig, kPluginLoad, kSourceFailed, kInterrupted, kTerminated},
       &check_command},
      {CommandKind::kDiscover,
       "discover",
       "discover SOURCE [options]",
       "print the source's Singer catalog",
       kDiscoverHelp,
       {{kOptConfig, nullptr, "the source's config, a JSON object"},
        {kOptSet, "SOURCE.KEY=VALUE", nullptr},
        {kOptPluginPath, nullptr, nullptr},
        {kOptLogLevel, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {},
       &discover_command},
      {CommandKind::kPlugins,
       "plugins",
       "plugins [--json]",
       "list installed plugins",
       kPluginsHelp,
       {{kOptJson, nullptr, nullptr},
        {kOptPluginPath, nullptr, kSearchedFirst},
        {kOptLogLevel, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {},
       &plugins_command},
      {CommandKind::kDescribe,
       "describe",
       "describe PLUGIN [--json]",
       "show a plugin and its config keys",
       kDescribeHelp,
       {{kOptJson, nullptr, nullptr},
        {kOptPluginPath, nullptr, kSearchedFirst},
        {kOptLogLevel, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {},
       &describe_command},
      {CommandKind::kTestPlugin,
       "test-plugin",
       "test-plugin PLUGIN [options]",
       "run the conformance kit against a plugin",
       kTestPluginHelp,
       {{kOptConfig, nullptr, "the plugin's config, a JSON object (default: its defaults and env)"},
        {kOptSet, "KEY=VALUE", nullptr},
        {kOptOutput, nullptr,
         "where the sink writes, as its config says: a directory, a file, or -\n"
         "for stdout. Needed by sink.crash_injection and the failed-write part\n"
         "of sink.error_paths. It must be new or empty: the kit deletes what\n"
         "the sink writes there before each check"},
        {kOptQuick, nullptr, "fewer crash-injection runs (1 trial of 4 kills), no sync.resume"},
        {kOptKeepGoing, nullptr,
         "run every check after a failure (default: the checks after the\n"
         "first failure are skipped)"},
        {kOptSeed, nullptr,
         "seed of the crash-injection kill points (default: random; the report\n"
         "prints it, so a failure can be replayed)"},
        {kOptTimeout, nullptr, "the longest one plugin call may take (default 60)"},
        {kOptJson, nullptr, "print the report as JSON"},
        {kOptPluginPath, nullptr, nullptr},
        {kOptLogLevel, nullptr, "error, warn, info (default) or debug: the kit's progress on stderr"},
        {kOptHelp, nullptr, nullptr}},
       kNarrowColumn,
       {},
       nullptr},  // handled by the conformance kit (app.h, KitCommands)
      {CommandKind::kHistory,
       "history",
       "history --state FILE [--json]",
       "show the runs recorded beside a state file",
       kHistoryHelp,
       {{kOptState, nullptr, "the state file whose runs to show"},
        {kOptJson, nullptr, "print the run records as a JSON array"},
        {kOptLast, nullptr, nullptr},
        {kOptLogLevel, nullptr, nullptr},
        {kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {kOk, kUsage, kStateFile},
       &history_command},
      {CommandKind::kHelp,
       "help",
       "help [COMMAND]",
       "show help (also COMMAND --help)",
       kHelpHelp,
       {{kOptHelp, nullptr, nullptr}},
       kWideColumn,
       {},
       nullptr},
  };
  return specs;
}

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& spec : command_specs()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

const CommandSpec* find_command(CommandKind kind) {
  for (const CommandSpec& spec : command_specs()) {
    if (spec.kind == kind) return &spec;
  }
  return nullptr;
}

}  // namespace etlhost
