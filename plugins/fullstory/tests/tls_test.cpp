// The plugin over HTTPS: verification on by default, ca_file, host name checks.
#include <doctest/doctest.h>

#include "fullstory_support.h"

using namespace fstest;

TEST_CASE("tls: https with the test CA as ca_file delivers every event") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "300,200"};
  Simulator sim(args, /*tls=*/true);
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim, {{"ca_file", test_certs().ca}}));
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  check_same_events(result.records(), Simulator::dump_events(args));
  check_no_key(result);
}

TEST_CASE("tls: a certificate from another CA is refused, clearly and without retries") {
  Simulator sim({"--bundles", "1"}, /*tls=*/true);
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim, {{"ca_file", test_certs().other_ca}}));
  CHECK(result.status == ETL_E_IO);
  CHECK_MESSAGE(contains(result.error, "certificate of 127.0.0.1 did not verify"), result.error);
  CHECK(contains(result.error, "ca_file"));
  CHECK(result.counters.count("http_retries") == 0);
  check_no_key(result);
}

TEST_CASE("tls: the system CA store does not trust the test CA") {
  Simulator sim({"--bundles", "1"}, /*tls=*/true);
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim));
  CHECK(result.status == ETL_E_IO);
  CHECK_MESSAGE(contains(result.error, "did not verify against the system CA store"), result.error);
  CHECK(contains(result.error, "set ca_file"));
}

TEST_CASE("tls: the certificate must name the host (127.0.0.2 is not in its subjectAltName)") {
  Simulator sim({"--bundles", "1"}, /*tls=*/true, "127.0.0.2");
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim, {{"ca_file", test_certs().ca}}));
  CHECK(result.status == ETL_E_IO);
  CHECK_MESSAGE(contains(result.error, "certificate of 127.0.0.2 did not verify"), result.error);
}

TEST_CASE("tls: localhost is in the certificate and verifies") {
  Simulator sim({"--bundles", "1", "--events-per-bundle", "5"}, /*tls=*/true);
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(
      sim, {{"ca_file", test_certs().ca}, {"base_url", "https://localhost:" + std::to_string(sim.port())}}));
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  CHECK(result.records().size() == 5);
}
