// HTTPS with certificates from make-test-certs.sh.
#include <doctest/doctest.h>

#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {

// OpenSSL set up for this process while a test needs it.
class SslLibrary {
 public:
  SslLibrary() { Poco::Net::initializeSSL(); }
  ~SslLibrary() { Poco::Net::uninitializeSSL(); }
  SslLibrary(const SslLibrary&) = delete;
  SslLibrary& operator=(const SslLibrary&) = delete;
};

// A client that trusts only `ca_file` and checks the server's name.
Poco::Net::Context::Ptr client_trusting(const std::string& ca_file) {
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, ca_file, Poco::Net::Context::VERIFY_STRICT);
}

}  // namespace

TEST_CASE("HTTPS: a client trusting the test CA gets through, one trusting another CA is refused") {
  const SslLibrary ssl;
  const TempDir certs;
  const ProcessResult made = run_program("/bin/sh", {FULLSTORY_SIM_CERT_SCRIPT, certs.path().string()});
  REQUIRE_MESSAGE(made.exit_code == 0, made.err);

  SimServer sim(
      {"--tls-cert", certs.file("server.pem"), "--tls-key", certs.file("server.key"), "--events-per-bundle", "25"});
  CHECK(sim.log().find("listening on https://127.0.0.1:" + std::to_string(sim.port())) != std::string::npos);

  const Poco::Net::Context::Ptr trusted = client_trusting(certs.file("ca.pem"));
  const HttpReply listed = http_request(sim.port(), "GET", list_path(0), basic_auth(), "", trusted);
  CHECK(listed.status == 200);
  CHECK(parse_json(listed.body)["exports"].size() == 3);
  const HttpReply bundle = http_request(sim.port(), "GET", get_path(bundle_id(0)), basic_auth(), "", trusted);
  REQUIRE(bundle.status == 200);
  CHECK(parse_json(gunzip(bundle.body)).size() == 25);

  const Poco::Net::Context::Ptr untrusted = client_trusting(certs.file("other-ca.pem"));
  CHECK_THROWS_AS(http_request(sim.port(), "GET", list_path(0), basic_auth(), "", untrusted), Poco::Exception);
}
