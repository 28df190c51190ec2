// secret_leaks.h: finds a secret in text the way a reader of a log could recover it, written
// independently of etl::Redactor so tests can check its work: verbatim, with backslash
// escapes dropped and \uXXXX decoded, URL-decoded (%XX), and in base64 at each of the three
// byte alignments (of "KEY", "KEY:", "u:KEY" ...).
#pragma once

#include <cstddef>
#include <string>

namespace etltest {

/// Standard base64 with '=' padding.
std::string base64(const std::string& bytes);

/// The first run of `run` bytes of `secret`, in one of the forms above, that `text` holds;
/// "" when there is none.
std::string revealed_run(const std::string& text, const std::string& secret, std::size_t run = 12);

}  // namespace etltest
