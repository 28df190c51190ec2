#include "fault_plan.h"

#include <array>
#include <charconv>
#include <stdexcept>

namespace fssim {

namespace {

constexpr std::array<int, 8> kFaultStatuses = {500, 502, 503, 504, 429, 401, 403, 404};

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Fault parse_kind(std::string_view text) {
  if (text == "reset") return {Fault::Kind::kReset, 0};
  if (text == "truncate") return {Fault::Kind::kTruncate, 0};
  if (text == "malformed") return {Fault::Kind::kMalformed, 0};
  if (text == "stall") return {Fault::Kind::kStall, 0};
  if (text == "failed") return {Fault::Kind::kFailed, 0};
  if (text == "expired") return {Fault::Kind::kExpired, 0};
  for (int status : kFaultStatuses) {
    if (text == std::to_string(status)) return {Fault::Kind::kStatus, status};
  }
  throw std::invalid_argument("KIND must be one of 500|502|503|504|429|401|403|404|reset|truncate|"
                              "malformed|stall (or failed for operation, expired for results), got '" +
                              std::string(text) + "'");
}

struct EndpointName {
  std::string_view name;
  Endpoint endpoint;
};
constexpr std::array<EndpointName, 9> kEndpointNames = {{{"list", Endpoint::kList},
                                                         {"get", Endpoint::kGet},
                                                         {"create", Endpoint::kCreate},
                                                         {"operation", Endpoint::kOperation},
                                                         {"results", Endpoint::kResults},
                                                         {"storage", Endpoint::kStorage},
                                                         {"users", Endpoint::kUsers},
                                                         {"segments", Endpoint::kSegments},
                                                         {"settings", Endpoint::kSettings}}};

Endpoint parse_endpoint(std::string_view text) {
  for (const auto& [name, endpoint] : kEndpointNames) {
    if (text == name) return endpoint;
  }
  throw std::invalid_argument(
      "ENDPOINT must be one of list|get|create|operation|results|storage|users|segments|settings, got '" +
      std::string(text) + "'");
}

// failed and expired only make sense where there is an operation or a location.
void check_kind_fits(const FaultSpec& spec) {
  if (spec.fault.kind == Fault::Kind::kFailed && spec.endpoint != Endpoint::kOperation) {
    throw std::invalid_argument("KIND 'failed' only applies to 'operation' faults");
  }
  if (spec.fault.kind == Fault::Kind::kExpired && spec.endpoint != Endpoint::kResults) {
    throw std::invalid_argument("KIND 'expired' only applies to 'results' faults");
  }
}

}  // namespace

std::string Fault::name() const {
  switch (kind) {
    case Kind::kStatus: return std::to_string(status);
    case Kind::kReset: return "reset";
    case Kind::kTruncate: return "truncate";
    case Kind::kMalformed: return "malformed";
    case Kind::kStall: return "stall";
    case Kind::kFailed: return "failed";
    case Kind::kExpired: return "expired";
  }
  return "?";
}

FaultSpec parse_fault_spec(std::string_view spec) {
  FaultSpec parsed;
  if (const auto at = spec.find('@'); at != std::string_view::npos) {
    parsed.bundle_id = parse_integer<std::int64_t>(spec.substr(at + 1));
    if (!parsed.bundle_id) {
      throw std::invalid_argument("ID after '@' must be an integer (a bundle id, or a window start in unix seconds), "
                                  "got '" +
                                  std::string(spec.substr(at + 1)) + "'");
    }
    spec = spec.substr(0, at);
  }

  const auto first_colon = spec.find(':');
  if (first_colon == std::string_view::npos) throw std::invalid_argument("expected ENDPOINT:KIND");
  const std::string_view endpoint = spec.substr(0, first_colon);
  std::string_view rest = spec.substr(first_colon + 1);
  parsed.endpoint = parse_endpoint(endpoint);
  if (parsed.bundle_id && parsed.endpoint == Endpoint::kList) {
    throw std::invalid_argument("@ID applies to get (a bundle id) and create|operation|results|storage (a window "
                                "start), not to 'list' faults");
  }

  std::string_view count = "1";
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    count = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  parsed.fault = parse_kind(rest);
  check_kind_fits(parsed);
  if (count != "always") {
    parsed.count = parse_integer<std::uint64_t>(count);
    if (!parsed.count || *parsed.count == 0) {
      throw std::invalid_argument("COUNT must be a positive integer or 'always', got '" + std::string(count) + "'");
    }
  }
  return parsed;
}

std::optional<Fault> FaultPlan::take(Endpoint endpoint, std::optional<std::int64_t> bundle_id) {
  return take_matching(endpoint, bundle_id, false);
}

bool FaultPlan::take_failure(std::optional<std::int64_t> window_start) {
  return take_matching(Endpoint::kOperation, window_start, true).has_value();
}

std::optional<Fault> FaultPlan::take_matching(Endpoint endpoint, std::optional<std::int64_t> bundle_id, bool failure) {
  const std::lock_guard lock(mutex_);
  for (FaultSpec& spec : specs_) {
    if (spec.endpoint != endpoint) continue;
    if ((spec.fault.kind == Fault::Kind::kFailed) != failure) continue;
    if (spec.bundle_id && spec.bundle_id != bundle_id) continue;
    if (spec.count) {
      if (*spec.count == 0) continue;
      --*spec.count;
    }
    return spec.fault;
  }
  return std::nullopt;
}

}  // namespace fssim
