// The csv sink's checkpoint (what the host hands back from the state file) on any text.
// Only etl::Error(ETL_E_INVALID_STATE) may come out. Property: a checkpoint that parses,
// written with write_checkpoint, parses to the same checkpoint.
#include "checkpoint.h"
#include "etlhost/plugin.hpp"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  etl_csv::Checkpoint checkpoint;
  try {
    checkpoint = etl_csv::parse_checkpoint(fuzz::text_of(data, size));
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_STATE, "a refused checkpoint is ETL_E_INVALID_STATE");
    return 0;
  }
  std::string text;
  etl_csv::write_checkpoint(text, checkpoint.output_dir, [&](auto&& emit) {
    for (const auto& entry : checkpoint.files) {
      const auto columns = checkpoint.columns.find(entry.first);
      emit(entry.first, entry.second, columns == checkpoint.columns.end() ? nullptr : &columns->second);
    }
  });
  const etl_csv::Checkpoint again = etl_csv::parse_checkpoint(text);
  fuzz::check(again.output_dir == checkpoint.output_dir && again.files == checkpoint.files &&
                  again.columns == checkpoint.columns,
              "a checkpoint written back parses to the same checkpoint, headers included");
  return 0;
}
