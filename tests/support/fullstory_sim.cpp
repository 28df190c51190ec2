#include "fullstory_sim.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

namespace etltest {

const TestCerts& test_certs() {
  static TempDir dir;
  static const TestCerts certs = [] {
    const auto result = run_process("sh", {FULLSTORY_SIM_CERT_SCRIPT, dir.path().string()});
    if (result.exit_code != 0) throw std::runtime_error("make-test-certs.sh failed: " + result.describe());
    return TestCerts{dir.file("ca.pem"), dir.file("server.pem"), dir.file("server.key"), dir.file("other-ca.pem")};
  }();
  return certs;
}

Simulator::Simulator(std::vector<std::string> args, bool tls, const std::string& host, int port)
    : args_(std::move(args)) {
  std::vector<std::string> full = args_;
  const std::string port_file = dir_.file("port");
  // Tests that want FullStory's 2-per-minute limit ask for it; the rest must not wait a minute.
  if (std::find(full.begin(), full.end(), "--rate-limit") == full.end()) full.insert(full.end(), {"--rate-limit", "0"});
  full.insert(full.end(), {"--host", host, "--port", std::to_string(port), "--port-file", port_file});
  if (tls) full.insert(full.end(), {"--tls-cert", test_certs().server_cert, "--tls-key", test_certs().server_key});
  ProcessOptions options;
  options.env["FULLSTORY_SIM_API_KEY"] = kApiKey;  // keys never on a command line
  process_.emplace(Process::start(FULLSTORY_SIM_BINARY, full, options));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (port_ == 0) {
    const std::string text = file_exists(port_file) ? read_file(port_file) : std::string();
    if (!text.empty()) port_ = std::atoi(text.c_str());
    if (port_ != 0) break;
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("fullstory-sim did not start: " +
                               process_->wait(std::chrono::milliseconds(100)).describe());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  host_ = host;
  base_url_ = std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
}

Simulator::~Simulator() {
  if (process_ && process_->running()) {
    process_->send_signal(SIGTERM);
    process_->wait(std::chrono::seconds(10));
  }
}

std::string Simulator::log() { return process_ ? process_->err() : ""; }

bool Simulator::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) {
  return process_ && process_->wait_for_stderr(needle, timeout);
}

nlohmann::json Simulator::stats() const {
  if (base_url_.rfind("https", 0) == 0) return nlohmann::json::object();  // plain-HTTP helper only
  Poco::Net::HTTPClientSession session(host_, static_cast<Poco::UInt16>(port_));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/__sim/stats", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  std::stringstream text;
  text << body.rdbuf();
  return nlohmann::json::parse(text.str());
}

namespace {

// Runs an offline dump of `args` plus `dump_flags` (FILE is inserted at `file_at`, after the
// flag and its other operands) and returns the file's non-empty lines.
std::vector<std::string> dumped_lines(const std::vector<std::string>& args, std::vector<std::string> dump_flags,
                                      size_t file_at = 1) {
  TempDir dir;
  std::vector<std::string> full = args;
  const std::string flag = dump_flags.front();
  dump_flags.insert(dump_flags.begin() + static_cast<std::ptrdiff_t>(file_at), dir.file("dump.ndjson"));
  full.insert(full.end(), dump_flags.begin(), dump_flags.end());
  const auto result = run_process(FULLSTORY_SIM_BINARY, full);
  if (result.exit_code != 0) throw std::runtime_error(flag + " failed: " + result.describe());
  std::vector<std::string> lines;
  std::istringstream text(read_file(dir.file("dump.ndjson")));
  for (std::string line; std::getline(text, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace

std::vector<std::string> Simulator::dump_events(const std::vector<std::string>& args) {
  return dumped_lines(args, {"--dump-events"});
}

std::vector<std::string> Simulator::dump_segment_export(const std::vector<std::string>& args, const std::string& start,
                                                        const std::string& end, const std::string& type,
                                                        const std::vector<std::string>& fields) {
  std::vector<std::string> flags{
      "--dump-segment-export", "--export-start", start, "--export-end", end, "--export-type", type};
  if (!fields.empty()) {
    std::string list;
    for (const std::string& field : fields) list += (list.empty() ? "" : ",") + field;
    flags.insert(flags.end(), {"--export-fields", list});
  }
  return dumped_lines(args, flags);
}

std::vector<std::string> Simulator::dump_metadata(const std::vector<std::string>& args, const std::string& stream) {
  return dumped_lines(args, {"--dump-metadata", stream}, 2);
}

std::string plugin_config(const Simulator& sim, const nlohmann::json& extra) {
  nlohmann::json config = {{"api_key", kApiKey},         {"base_url", sim.base_url()},
                           {"start_date", "2023-01-01"}, {"api_base_url", sim.base_url()},
                           {"downloads_per_minute", 0},  {"retry_base_delay_ms", 10},
                           {"retry_max_delay_ms", 50},   {"connect_timeout_seconds", 5},
                           {"idle_timeout_seconds", 20}};
  for (const auto& [key, value] : extra.items()) config[key] = value;
  return config.dump();
}

}  // namespace etltest
