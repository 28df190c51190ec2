// export_window.h: the time windows Segment Export is read in.
#pragma once

#include <cstdint>

namespace fullstory {

struct ExportWindow {
  int64_t start = 0;  // Unix seconds, inclusive
  int64_t end = 0;    // Unix seconds, exclusive
};

}  // namespace fullstory
