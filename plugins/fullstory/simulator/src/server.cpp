#include "server.h"

#include <cstdio>
#include <fstream>
#include <optional>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <unistd.h>

#include "request_router.h"
#include "sim_context.h"
#include "termination_signals.h"

namespace fssim {

namespace {

constexpr int kMaxConcurrentConnections = 16;
constexpr int kListenBacklog = 64;

// OpenSSL setup and teardown for the process, only when serving HTTPS.
class SslLibrary {
 public:
  SslLibrary() { Poco::Net::initializeSSL(); }
  ~SslLibrary() { Poco::Net::uninitializeSSL(); }
  SslLibrary(const SslLibrary&) = delete;
  SslLibrary& operator=(const SslLibrary&) = delete;
};

Poco::Net::ServerSocket open_listening_socket(const SimOptions& options) {
  const Poco::Net::SocketAddress address(options.host, options.port);
  if (!options.tls()) return Poco::Net::ServerSocket(address, kListenBacklog);
  // Clients are not asked for certificates: FullStory authenticates them by API key.
  const Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, options.tls_key,
                                                                 options.tls_cert, "", Poco::Net::Context::VERIFY_NONE);
  return Poco::Net::SecureServerSocket(address, kListenBacklog, context);
}

Poco::Net::HTTPServerParams::Ptr server_params() {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setSoftwareVersion("fullstory-sim");
  params->setMaxThreads(kMaxConcurrentConnections);
  params->setMaxQueued(kListenBacklog);
  params->setKeepAlive(true);
  return params;
}

// Written to a temporary name and renamed, so a test polling for the file never reads a
// half-written port.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write '" + temporary + "'");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename '" + temporary + "' to '" + path + "'");
  }
}

}  // namespace

int run_server(const SimOptions& options) {
  const TerminationSignals termination;  // before any thread starts, see its comment
  std::optional<SslLibrary> ssl;
  if (options.tls()) ssl.emplace();

  const BundleCatalog catalog(options.catalog);
  const EventGenerator generator(options.seed, options.odd_events);
  std::optional<BundleCache> cache;
  if (!options.cache_dir.empty()) cache.emplace(options.cache_dir, catalog, generator);
  RateLimiter rate_limiter(options.rate_limit, std::chrono::seconds(options.rate_window_seconds));
  FaultPlan faults(options.faults);
  SimStats stats;
  ShutdownSignal shutdown;
  RateLimiter api_rate_limiter(options.api_rate_limit, std::chrono::seconds(options.api_rate_window_seconds),
                               options.api_burst);
  ExportRegistry exports(
      ExportTimings{std::chrono::milliseconds(options.prepare_ms), std::chrono::seconds(options.export_ttl_seconds)});
  ExportBodyCache export_bodies;
  const UrlSigner signer;
  const SimContext context{options,          catalog, generator,     cache ? &*cache : nullptr,
                           rate_limiter,     faults,  stats,         shutdown,
                           api_rate_limiter, exports, export_bodies, signer};

  Poco::ThreadPool threads(2, kMaxConcurrentConnections);
  {
    const Poco::Net::ServerSocket socket = open_listening_socket(options);
    Poco::Net::HTTPServer server(new RequestRouter(context), threads, socket, server_params());
    server.start();
    if (!options.port_file.empty()) write_port_file(options.port_file, socket.address().port());
    std::fprintf(stderr, "fullstory-sim listening on %s://%s\n", options.tls() ? "https" : "http",
                 socket.address().toString().c_str());

    termination.wait();
    shutdown.trigger();    // wake stalled requests
    server.stopAll(true);  // and drop open connections, idle keep-alive ones included
  }
  threads.joinAll();
  return 0;
}

}  // namespace fssim
