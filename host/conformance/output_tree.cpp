#include "conformance/output_tree.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "conformance/synthetic_source.h"

namespace etlhost::conformance {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string show_bytes(const std::string& text, size_t at) {
  std::string out = "\"";
  for (size_t i = at; i < text.size() && i < at + 24; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '"') out += "\\\"";
    else if (c < 0x20) out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    else out.push_back(static_cast<char>(c));
  }
  if (at >= text.size()) return "end of file";
  return out + (at + 24 < text.size() ? "...\"" : "\"");
}

std::string file_label(const std::string& name) { return name.empty() ? "the output file" : "file " + name; }

}  // namespace

OutputSnapshot snapshot_output(const std::string& path) {
  OutputSnapshot snapshot;
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::exists(status)) return snapshot;
  if (fs::is_regular_file(status)) {
    snapshot[""] = read_all(path);
    return snapshot;
  }
  if (!fs::is_directory(status)) return snapshot;
  for (auto it = fs::recursive_directory_iterator(path, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    if (it->is_regular_file(error)) snapshot[fs::relative(it->path(), path).string()] = read_all(it->path());
  }
  return snapshot;
}

void clear_output(const std::string& path) {
  std::error_code error;
  const auto status = fs::symlink_status(path, error);
  if (error || !fs::exists(status)) return;
  if (fs::is_directory(status)) {
    for (const auto& entry : fs::directory_iterator(path)) {
      fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, error);
      fs::remove_all(entry.path(), error);
      if (error) throw std::runtime_error("cannot remove " + entry.path().string() + ": " + error.message());
    }
  } else {
    fs::remove(path, error);
    if (error) throw std::runtime_error("cannot remove " + path + ": " + error.message());
  }
}

bool output_is_empty(const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return true;
  return fs::is_directory(path, error) && fs::is_empty(path, error);
}

std::optional<std::string> first_difference(const OutputSnapshot& expected, const OutputSnapshot& actual) {
  for (const auto& [name, text] : expected) {
    const auto it = actual.find(name);
    if (it == actual.end())
      return file_label(name) + " is missing (" + std::to_string(text.size()) + " bytes expected)";
    const std::string& got = it->second;
    if (got == text) continue;
    size_t at = 0;
    while (at < text.size() && at < got.size() && text[at] == got[at]) ++at;
    size_t line = 1;
    for (size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
    return file_label(name) + " has " + std::to_string(got.size()) + " bytes, expected " + std::to_string(text.size()) +
           "; first difference at byte " + std::to_string(at) + " (line " + std::to_string(line) + "): expected " +
           show_bytes(text, at) + ", found " + show_bytes(got, at);
  }
  for (const auto& [name, text] : actual) {
    if (expected.count(name) == 0) {
      return file_label(name) + " (" + std::to_string(text.size()) + " bytes) should not exist";
    }
  }
  return std::nullopt;
}

std::map<std::string, int64_t> count_tokens(const OutputSnapshot& snapshot) {
  std::map<std::string, int64_t> counts;
  for (const auto& [name, text] : snapshot) count_record_tokens(text, &counts);
  return counts;
}

TokenComparison compare_tokens(const std::map<std::string, int64_t>& reference,
                               const std::map<std::string, int64_t>& actual) {
  TokenComparison out;
  out.expected_records = static_cast<int64_t>(reference.size());
  for (const auto& [token, count] : reference) {
    const auto it = actual.find(token);
    const int64_t got = it == actual.end() ? 0 : it->second;
    if (got < count) {
      out.lost += count - got;
      if (out.first_lost.empty()) out.first_lost = token;
    } else if (got > count) {
      out.duplicated += got - count;
      if (out.first_duplicated.empty()) out.first_duplicated = token;
    }
  }
  for (const auto& [token, count] : actual) {
    if (reference.count(token) == 0) out.unexpected += count;
  }
  return out;
}

uint64_t snapshot_bytes(const OutputSnapshot& snapshot) {
  uint64_t bytes = 0;
  for (const auto& [name, text] : snapshot) bytes += text.size();
  return bytes;
}

}  // namespace etlhost::conformance
