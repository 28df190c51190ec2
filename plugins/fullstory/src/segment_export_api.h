// PLACEHOLDER (the client helper's branch replaces this file): the interface segment_sync codes against.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cancel_watch.h"
#include "etlhost/plugin.hpp"
#include "export_api.h"
#include "export_window.h"
#include "source_config.h"
#include "tls_context.h"

namespace fullstory {

struct ExportRequest {
  std::string segment_id;
  std::string type;
  std::vector<std::string> fields;
  ExportWindow window;
};

struct OperationStatus {
  enum class State { kPending, kCompleted, kFailed } state = State::kPending;
  int percent = 0;
  std::string search_export_id;
  std::string error_details;
  std::optional<int64_t> expires;
};

class ExportGone : public etl::Error {
 public:
  using etl::Error::Error;
};

class SegmentExportApi {
 public:
  SegmentExportApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch);
  ~SegmentExportApi();
  std::string create_export(const ExportRequest& request);
  OperationStatus operation(const std::string& operation_id);
  void download(const std::string& search_export_id, BodyConsumer& consumer);
  std::chrono::milliseconds waited() const;
  int last_download_attempts() const;
};

}  // namespace fullstory
