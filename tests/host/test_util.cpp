#include "test_util.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hosttest {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "etlhost-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

bool file_exists(const std::string& path) {
  std::error_code ignored;
  return fs::exists(path, ignored);
}

std::string etlhost_bin() {
  const char* from_env = std::getenv("ETLHOST_TEST_BIN");
  return from_env != nullptr && *from_env != '\0' ? from_env : ETLHOST_TEST_BIN;
}

std::string plugin_dir() { return ETLHOST_TEST_PLUGIN_DIR; }
std::string fixture_dir() { return ETLHOST_TEST_FIXTURE_DIR; }

etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options) {
  if (!options.env.contains("ETLHOST_PLUGIN_PATH")) options.env["ETLHOST_PLUGIN_PATH"] = fixture_dir();
  for (const char* name : {"T_SCRIPT_TOKEN", "T_SCRIPT_VERBOSE"}) {
    if (!options.env.contains(name)) options.unset_env.emplace_back(name);
  }
  return options;
}

etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options) {
  return etltest::run_process(etlhost_bin(), args, etlhost_options(std::move(options)));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace hosttest
