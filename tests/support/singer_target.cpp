// etl-test-target: a Singer target for tests, standing in for real ones (target-postgres,
// pipelinewise) that cannot be installed here. It reads Singer messages on stdin, "loads"
// RECORDs by appending them to a file (one line per record: STREAM<TAB>RECORD-JSON, fsync'd
// before any STATE that covers them is emitted) and behaves as its options say:
//
//   etl-test-target --loaded FILE [--batch N] [--state-at-end-only] [--no-state]
//                   [--fail-at-end] [--kill-after N] [--close-stdin-after N]
//                   [--load-delay-ms N] [--pid-file FILE] [--chatty]
//
//   --batch N               buffer N records, then load them and emit the last STATE read
//                           (pipelinewise-style; default 1); at the end of input the rest
//   --state-at-end-only     load as --batch says, but emit one STATE, after the input ended
//   --no-state              never emit a STATE
//   --fail-at-end           read everything, load nothing more, print 25 error lines on
//                           stderr and exit 3 (a column too narrow in a real database)
//   --kill-after N          SIGKILL itself after reading N records (buffered ones are lost)
//   --close-stdin-after N   close stdin after N records, say so on stderr, exit 0 1 s later
//   --load-delay-ms N       each load takes N ms more (a slow database: etlhost's writes
//                           then wait on a full pipe, so tests can stop etlhost mid-run)
//   --chatty                a line on stderr for every record read (a verbose target:
//                           its stderr pipe fills while etlhost is writing to it)
//   --pid-file FILE         writes its pid there first (a test waits for an orphaned
//                           target to end after killing etlhost)
//
// The STATE it emits is the value it read, re-serialized as a real target would (integers
// written as 450.0), so etlhost must compare STATE values as JSON, not as bytes.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

struct Options {
  std::string loaded_path;
  size_t batch = 1;
  bool state_at_end_only = false;
  bool no_state = false;
  bool fail_at_end = false;
  long kill_after = -1;
  long close_stdin_after = -1;
  long load_delay_ms = 0;
  bool chatty = false;
  std::string pid_path;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "etl-test-target: " << problem << "\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto number = [&]() -> long {
      if (i + 1 >= argc) usage(arg + " expects a number");
      return std::stol(argv[++i]);
    };
    if (arg == "--loaded" && i + 1 < argc) {
      options.loaded_path = argv[++i];
    } else if (arg == "--batch") {
      options.batch = static_cast<size_t>(number());
    } else if (arg == "--state-at-end-only") {
      options.state_at_end_only = true;
    } else if (arg == "--no-state") {
      options.no_state = true;
    } else if (arg == "--fail-at-end") {
      options.fail_at_end = true;
    } else if (arg == "--kill-after") {
      options.kill_after = number();
    } else if (arg == "--close-stdin-after") {
      options.close_stdin_after = number();
    } else if (arg == "--chatty") {
      options.chatty = true;
    } else if (arg == "--load-delay-ms") {
      options.load_delay_ms = number();
    } else if (arg == "--pid-file" && i + 1 < argc) {
      options.pid_path = argv[++i];
    } else {
      usage("unknown argument '" + arg + "'");
    }
  }
  if (options.loaded_path.empty() || options.batch == 0) usage("--loaded FILE is required, --batch at least 1");
  return options;
}

// Integers become doubles: the same JSON value in other bytes.
nlohmann::json reserialized(nlohmann::json value) {
  if (value.is_number_integer()) return static_cast<double>(value.get<int64_t>());
  if (value.is_structured()) {
    for (auto& item : value) item = reserialized(item);
  }
  return value;
}

class Target {
 public:
  explicit Target(Options options) : options_(std::move(options)) {}

  void on_record(const nlohmann::json& message) {
    buffer_.push_back(message.value("stream", "") + "\t" + message.at("record").dump());
    ++records_read_;
    if (options_.chatty)
      std::cerr << "read record " << records_read_ << " of stream " << message.value("stream", "") << "\n";
    if (options_.kill_after >= 0 && records_read_ >= options_.kill_after) std::raise(SIGKILL);
    if (options_.close_stdin_after >= 0 && records_read_ >= options_.close_stdin_after) {
      ::close(STDIN_FILENO);
      std::cerr << "closing stdin after " << records_read_ << " records" << std::endl;
      std::this_thread::sleep_for(std::chrono::seconds(1));
      std::exit(0);
    }
    if (buffer_.size() >= options_.batch) load(!options_.state_at_end_only);
  }
  void on_state(const nlohmann::json& message) {
    last_state_ = message.at("value");
    has_unsent_state_ = true;
  }
  int on_end() {
    if (options_.fail_at_end) {
      for (int i = 1; i <= 25; ++i) std::cerr << "ERROR line " << i << ": value too long for column" << std::endl;
      return 3;
    }
    load(true);
    return 0;
  }

 private:
  // Appends the buffer to the loaded file, fsync'd, then (when `emit`) the STATE it covers.
  void load(bool emit) {
    if (!buffer_.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.load_delay_ms));
      std::FILE* file = std::fopen(options_.loaded_path.c_str(), "a");
      if (file == nullptr) usage("cannot open " + options_.loaded_path);
      for (const std::string& line : buffer_) std::fprintf(file, "%s\n", line.c_str());
      std::fflush(file);
      ::fsync(fileno(file));
      std::fclose(file);
      std::cerr << "loaded " << buffer_.size() << " records" << std::endl;
      buffer_.clear();
    }
    if (emit && has_unsent_state_ && !options_.no_state) {
      std::cout << R"({"type": "STATE", "value": )" << reserialized(last_state_).dump() << "}" << std::endl;
      has_unsent_state_ = false;
    }
  }

  Options options_;
  std::vector<std::string> buffer_;
  long records_read_ = 0;
  nlohmann::json last_state_;
  bool has_unsent_state_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (!options.pid_path.empty()) std::ofstream(options.pid_path) << ::getpid() << "\n";
  Target target(options);
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto message = nlohmann::json::parse(line, nullptr, false);
    if (!message.is_object()) usage("stdin: a line that is not a JSON object");
    const std::string type = message.value("type", "");
    if (type == "RECORD") target.on_record(message);
    if (type == "STATE") target.on_state(message);
  }
  return target.on_end();
}
