#include "test_support.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

namespace csv_test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/etl-csv-test-XXXXXX";
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string run_sink(const std::string& dir, const std::vector<Message>& messages, const std::string& checkpoint,
                     const std::string& extra_config) {
  Sink sink(Sink::config_for(dir, extra_config));
  const Status restored = sink.restore(checkpoint);
  REQUIRE_MESSAGE(restored.ok(), restored.message);
  const Status written = sink.write(messages);
  REQUIRE_MESSAGE(written.ok(), written.message);
  std::string after = sink.checkpoint();
  const Status flushed = sink.flush();
  REQUIRE_MESSAGE(flushed.ok(), flushed.message);
  return after;
}

}  // namespace csv_test
