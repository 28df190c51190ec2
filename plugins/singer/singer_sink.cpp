// singer: writes SCHEMA, RECORD and STATE as Singer spec messages on stdout, one JSON
// object per line, for any Singer target (`etlhost run SRC to singer | target-x`).
//
// The durability barrier (flush) means "every line so far was handed to the reader" (and
// fdatasync'd when stdout is a regular file). Output that left the process cannot be taken
// back, so this sink keeps no checkpoint: across a crash, delivery is at-least-once and
// Singer targets de-duplicate by key_properties as usual.
#include <unistd.h>

#include <chrono>
#include <string>

#include "etlhost/plugin.hpp"
#include "fd_writer.h"
#include "singer_lines.h"

namespace singer {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SingerSink final : public etl::Sink {
 public:
  SingerSink(const etl::Host&, const etl::Config&) : out_(STDOUT_FILENO) {}

  void write(const etl::Messages& batch) override {
    const int64_t batch_time_ms = now_ms();  // stamps records whose source did not
    for (const etl::Message message : batch) {
      switch (message.kind) {
        case ETL_MSG_RECORD:
          out_.append(records_.prefix(message.stream));
          out_.append(message.json);
          out_.append(records_.suffix(message.time_extracted_ms != 0 ? message.time_extracted_ms : batch_time_ms));
          break;
        case ETL_MSG_SCHEMA: out_.append(schema_line(message.stream, message.json)); break;
        case ETL_MSG_STATE: out_.append(state_line(message.json)); break;
        default: throw etl::Error(ETL_E_INVALID_DATA, "unknown message kind " + std::to_string(message.kind));
      }
    }
  }

  void flush() override { out_.flush(); }

  // Nothing that reached stdout can be taken back; what is still buffered is dropped so a
  // failed run sends nothing past its last flush.
  void restore(std::string_view) override { out_.discard(); }

 private:
  FdWriter out_;
  RecordLines records_;
};

}  // namespace
}  // namespace singer

ETL_DEFINE_SINK_PLUGIN(singer::SingerSink, "singer", "1.0.0",
                       "Writes Singer spec messages (SCHEMA, RECORD, STATE) to stdout for any Singer target.", nullptr)
