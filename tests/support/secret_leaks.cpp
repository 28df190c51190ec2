#include "secret_leaks.h"

#include <cstdlib>
#include <vector>

namespace etltest {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// \uXXXX below 0x80 becomes its byte; every other backslash is dropped.
std::string without_escapes(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
    } else if (i + 5 < text.size() && text[i + 1] == 'u' && is_hex(text[i + 2]) && is_hex(text[i + 3]) &&
               is_hex(text[i + 4]) && is_hex(text[i + 5])) {
      const long code = std::strtol(text.substr(i + 2, 4).c_str(), nullptr, 16);
      if (code < 0x80) out += static_cast<char>(code);
      i += 5;
    }
  }
  return out;
}

std::string url_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
      out += static_cast<char>(std::strtol(text.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string base64(const std::string& bytes) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned group = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(group >> shift) & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned group = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
    out += rest == 2 ? kAlphabet[group >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string revealed_run(const std::string& text, const std::string& secret, std::size_t run) {
  const std::string unescaped = without_escapes(text);
  const std::vector<std::string> views{text, unescaped, url_decoded(text), url_decoded(unescaped),
                                       without_escapes(url_decoded(text))};
  std::vector<std::string> forms{secret};
  for (const std::string prefix : {"", "u", "u:"}) {
    for (const std::string suffix : {"", ":"}) forms.push_back(base64(prefix + secret + suffix));
  }
  for (const std::string& form : forms) {
    for (size_t at = 0; at + run <= form.size(); ++at) {
      const std::string piece = form.substr(at, run);
      for (const std::string& view : views) {
        if (view.find(piece) != std::string::npos) return piece;
      }
    }
  }
  return "";
}

}  // namespace etltest
