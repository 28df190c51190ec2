#include "byte_sink.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ostream>
#include <vector>

namespace fssim {

namespace {

std::runtime_error file_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

void CutSink::write(std::string_view bytes) {
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), remaining_));
  if (take > 0) {
    next_.write(bytes.substr(0, take));
    remaining_ -= take;
  }
  if (take < bytes.size() || remaining_ == 0) throw CutReached();
}

void OstreamSink::write(std::string_view bytes) {
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  // Poco's socket streams report a vanished peer by setting badbit, not by throwing.
  if (!out_) throw SinkClosed("client connection closed");
  bytes_written_ += bytes.size();
}

void OstreamSink::flush() {
  out_.flush();
  if (!out_) throw SinkClosed("client connection closed");
}

FileSink::FileSink(const std::string& path)
    : path_(path), file_(path == "-" ? stdout : std::fopen(path.c_str(), "wb")) {
  if (file_ == nullptr) throw file_error("cannot open", path);
}

FileSink::~FileSink() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
}

void FileSink::write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw file_error("cannot write", path_);
  }
}

void FileSink::close() {
  std::FILE* file = file_;
  file_ = nullptr;
  const bool ok = std::fflush(file) == 0 && (file == stdout || std::fclose(file) == 0);
  if (!ok) throw file_error("cannot finish writing", path_);
}

void copy_file_to(const std::string& path, ByteSink& sink) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw file_error("cannot open", path);
  std::vector<char> buffer(1 << 16);
  try {
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
      sink.write(std::string_view(buffer.data(), n));
    }
    if (std::ferror(file)) throw file_error("cannot read", path);
  } catch (...) {
    std::fclose(file);
    throw;
  }
  std::fclose(file);
}

}  // namespace fssim
