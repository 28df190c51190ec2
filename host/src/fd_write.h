// Writing a whole buffer to a file descriptor: the one loop over partial writes and EINTR
// that the state file, stdout, the log and the conformance kit's children all use.
#pragma once

#include <string_view>

namespace etlhost {

/// Writes all of `text` to `fd`, looping over partial writes and EINTR. Returns false on
/// any other failure, with errno set (EPIPE when the reader went away).
bool write_all(int fd, std::string_view text);

}  // namespace etlhost
