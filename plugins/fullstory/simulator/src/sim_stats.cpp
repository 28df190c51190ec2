#include "sim_stats.h"

#include "json_writer.h"

namespace fssim {

std::string SimStats::to_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.member("list_requests", list_requests.load());
  json.member("get_requests", get_requests.load());
  json.member("get_successes", get_successes.load());
  json.member("rate_limited", rate_limited.load());
  json.member("faults_injected", faults_injected.load());
  json.member("bytes_sent", bytes_sent.load());
  json.end_object();
  return out;
}

}  // namespace fssim
