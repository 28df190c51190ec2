// etlhost/redact.h: keeps secrets (API keys, tokens) out of text that is about to be printed:
// log lines, error messages, what a server answered. Header-only C++17, shared by etlhost and
// plugins, so every printer follows the same rules.
//
//   etl::Redactor redactor("the API key");
//   redactor.add(api_key);
//   const etl::Redacted body = redactor.excerpt(server_body, 300, "the body");
//   message += body.withheld ? "; " + body.text : "; the body says: " + body.text;
//
// Verbatim copies of a secret are replaced by kRedactedMarker. A text that still holds a
// kSecretRunLength-character run of a secret in any other form is withheld whole, with a
// notice that says why: a server or proxy that echoes a request reflects the key escaped,
// encoded or cut short, and such forms cannot be replaced reliably piece by piece. Redacting
// comes before cutting (excerpt()), so a cut never leaves part of a key behind.
#ifndef ETLHOST_REDACT_H
#define ETLHOST_REDACT_H

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "etlhost/plugin_util.h"

namespace etl {

/// The shortest piece of a secret that is never printed, in any form. 12 characters of a
/// random key are ~70 bits, too much to give away; shorter runs also occur in ordinary text.
inline constexpr std::size_t kSecretRunLength = 12;
/// The shortest secret that can be redacted safely: a shorter one would have to be matched
/// in pieces shorter than a run, which garbles ordinary text and, by what it replaces,
/// reveals the secret. etlhost refuses shorter secret config values.
inline constexpr std::size_t kMinSecretLength = kSecretRunLength;
/// What replaces a verbatim secret.
inline constexpr std::string_view kRedactedMarker = "***";

/// The outcome of redacting one text.
struct Redacted {
  std::string text;       // verbatim secrets replaced; the notice instead when withheld
  bool withheld = false;  // the text held a secret in a form that cannot be replaced
};

namespace redact_detail {

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// The text as a JSON string decoder would read it: a JSON encoder inserts `\/`, `\"`, `\\`
// and `\uXXXX` into an echoed key. Any number of backslashes counts as one escape, so text
// JSON-encoded twice (a JSON string holding JSON) decodes in one pass.
inline std::string json_unescaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      out.push_back(text[i++]);
      continue;
    }
    while (i < text.size() && text[i] == '\\') ++i;
    if (i + 4 < text.size() && text[i] == 'u') {
      unsigned code = 0;
      bool hex = true;
      for (std::size_t k = 1; k <= 4; ++k) {
        const int digit = hex_value(text[i + k]);
        hex = hex && digit >= 0;
        code = code * 16 + static_cast<unsigned>(digit < 0 ? 0 : digit);
      }
      if (hex) {
        append_utf8(out, code);
        i += 5;
      }
    }
  }
  return out;
}

// The text with %XX decoded: a key echoed in a URL or a form body. '+' is left alone (it may
// be the key's own '+', as in base64); a secret holding spaces is also matched with '+'.
inline std::string url_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int high = text[i] == '%' && i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (low >= 0) {
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// The base64 characters that encode `secret` whatever surrounds it, when it starts `shift`
// bytes (0, 1 or 2) into a 3-byte group. Basic auth sends base64("user:password"), so an
// echo may carry base64 of "key", "key:" or "user:key": the key at any of the 3 alignments.
// A character that mixes bits of a neighbouring byte is left out.
inline std::string base64_core(std::string_view secret, std::size_t shift, const char* alphabet) {
  std::string bytes(shift, '\0');
  bytes.append(secret);
  const std::size_t end = bytes.size();
  std::string out;
  for (std::size_t group = 0; group * 3 < end; ++group) {
    const std::size_t at = group * 3;
    const auto byte = [&](std::size_t i) { return i < end ? static_cast<unsigned char>(bytes[i]) : 0u; };
    const unsigned bits = (byte(at) << 16) | (byte(at + 1) << 8) | byte(at + 2);
    // Character k of the group draws on bytes at + first[k] .. at + last[k].
    static constexpr std::array<std::size_t, 4> kFirst{0, 0, 1, 2};
    static constexpr std::array<std::size_t, 4> kLast{0, 1, 2, 2};
    for (std::size_t k = 0; k < 4; ++k) {
      if (at + kFirst[k] >= shift && at + kLast[k] < end) out.push_back(alphabet[(bits >> (18 - 6 * k)) & 0x3F]);
    }
  }
  return out;
}

}  // namespace redact_detail

/// Redacts a set of secrets. add() first; then the const members may be used from several
/// threads at once. Fast enough for every log line: each text is scanned a few times, with
/// one hash lookup per position.
class Redactor {
 public:
  /// `secret_name` names the secrets in notices: "the API key", "a secret config value".
  explicit Redactor(std::string secret_name = "a secret") : secret_name_(std::move(secret_name)) {}

  /// Registers a secret (an empty one is ignored). Secrets shorter than kMinSecretLength
  /// are matched whole in every form; refuse them before they get here.
  void add(std::string_view secret) {
    if (secret.empty() || std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.emplace_back(secret);
    // Longest first, so a secret that contains another is replaced whole.
    std::stable_sort(secrets_.begin(), secrets_.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    const std::size_t run = std::min(secret.size(), kSecretRunLength);
    for (const std::string& form : forms_of(secret)) add_runs(form, run);
  }

  bool empty() const noexcept { return secrets_.empty(); }

  /// True when `text` holds a run of kSecretRunLength characters (a whole secret, if it is
  /// shorter) of any secret: verbatim, JSON-escaped, URL-encoded, base64 at any alignment.
  bool reveals(std::string_view text) const { return !runs_.empty() && reveals_within(text, kDecodingDepth); }

  /// `text` with every verbatim secret replaced by kRedactedMarker; withheld whole (the
  /// notice names `what`) when a secret is still present in another form or in part.
  Redacted redact(std::string_view text, std::string_view what = "the text") const {
    Redacted out{std::string(text), false};
    for (const std::string& secret : secrets_) {
      for (std::size_t at = out.text.find(secret); at != std::string::npos; at = out.text.find(secret, at)) {
        out.text.replace(at, secret.size(), kRedactedMarker);
        at += kRedactedMarker.size();
      }
    }
    if (reveals(out.text)) out = Redacted{withheld_notice(what, text.size()), true};
    return out;
  }

  /// redact(), then at most `max_bytes` of the result, cut neither inside a UTF-8 sequence
  /// nor inside a marker. Pass the whole text: redacting first is what makes a cut safe.
  Redacted excerpt(std::string_view text, std::size_t max_bytes, std::string_view what = "the text") const {
    Redacted out = redact(text, what);
    if (out.withheld || out.text.size() <= max_bytes) return out;
    std::size_t cut = etl_utf8_prefix_size(out.text.data(), out.text.size(), max_bytes);
    const std::size_t marker = kRedactedMarker.size();
    for (std::size_t at = cut >= marker ? cut - marker + 1 : 0; at < cut; ++at) {
      if (out.text.compare(at, marker, kRedactedMarker) == 0) {
        cut = at;
        break;
      }
    }
    out.text.resize(cut);
    return out;
  }

  /// "the body (412 bytes) was withheld: it holds part of the API key (...)".
  std::string withheld_notice(std::string_view what, std::size_t bytes) const {
    return std::string(what) + " (" + std::to_string(bytes) + " bytes) was withheld: it holds part of " + secret_name_ +
           " (verbatim, escaped, encoded or cut short)";
  }

 private:
  // JSON-in-URL, URL-in-JSON and double encodings: three layers of decoding are tried.
  static constexpr int kDecodingDepth = 3;
  static constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr const char* kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  // The spellings of `secret` to look for once the text is decoded: the secret itself (with
  // '+' for its spaces too, as a form body spells them) and its base64 at each alignment,
  // in both alphabets (base64url appears in tokens and URLs).
  static std::vector<std::string> forms_of(std::string_view secret) {
    std::vector<std::string> forms{std::string(secret)};
    std::string plus_for_space(secret);
    std::replace(plus_for_space.begin(), plus_for_space.end(), ' ', '+');
    forms.push_back(plus_for_space);
    for (std::size_t shift = 0; shift < 3; ++shift) {
      forms.push_back(redact_detail::base64_core(secret, shift, kBase64));
      forms.push_back(redact_detail::base64_core(secret, shift, kBase64Url));
    }
    return forms;
  }

  void add_runs(const std::string& form, std::size_t run) {
    if (form.size() < run) return;
    run_lengths_.insert(run);
    for (std::size_t at = 0; at + run <= form.size(); ++at) {
      runs_.insert(form.substr(at, run));
      run_starts_[static_cast<unsigned char>(form[at])] = true;
    }
  }

  bool holds_run(std::string_view text) const {
    std::string window;
    for (const std::size_t run : run_lengths_) {
      for (std::size_t at = 0; at + run <= text.size(); ++at) {
        if (!run_starts_[static_cast<unsigned char>(text[at])]) continue;
        window.assign(text.data() + at, run);
        if (runs_.count(window) != 0) return true;
      }
    }
    return false;
  }

  // The text as it is, then as each decoding that applies reads it, layer on layer.
  bool reveals_within(std::string_view text, int depth) const {
    if (holds_run(text)) return true;
    if (depth == 0) return false;
    if (text.find('\\') != std::string_view::npos && reveals_within(redact_detail::json_unescaped(text), depth - 1)) {
      return true;
    }
    return text.find('%') != std::string_view::npos && reveals_within(redact_detail::url_decoded(text), depth - 1);
  }

  std::string secret_name_;
  std::vector<std::string> secrets_;      // longest first
  std::unordered_set<std::string> runs_;  // every run of every form of every secret
  std::set<std::size_t> run_lengths_;     // kSecretRunLength, and the length of each shorter secret
  std::array<bool, 256> run_starts_{};    // bytes a run can start with: most positions are skipped at once
};

}  // namespace etl

#endif  // ETLHOST_REDACT_H
