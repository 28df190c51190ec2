#include "http_support.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <zlib.h>
#include <algorithm>
#include <memory>
#include <stdexcept>

#include "sim_process.h"

namespace simtest {

Headers basic_auth() { return {{"Authorization", std::string("Basic ") + kApiKey}}; }

HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& path, const Headers& headers,
                       const std::string& body, Poco::Net::Context::Ptr tls) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (tls) {
    session = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port, tls);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
  }
  session->setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session->sendRequest(request) << body;

  Poco::Net::HTTPResponse response;
  std::istream& in = session->receiveResponse(response);
  HttpReply reply;
  reply.status = static_cast<int>(response.getStatus());
  reply.headers = response;
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

std::string list_path(std::int64_t start) { return "/api/v1/export/list?start=" + std::to_string(start); }
std::string get_path(std::int64_t id) { return "/api/v1/export/get?id=" + std::to_string(id); }

std::string RawReply::head() const { return bytes.substr(0, bytes.find("\r\n\r\n")); }

std::string RawReply::body() const {
  const auto end = bytes.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : bytes.substr(end + 4);
}

RawReply raw_exchange(std::uint16_t port, const std::string& request, std::chrono::seconds timeout) {
  const auto started = std::chrono::steady_clock::now();
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeout.count()), 0));
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  RawReply reply;
  char buffer[16384];
  try {
    while (true) {
      const int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      reply.bytes.append(buffer, static_cast<std::size_t>(n));
    }
  } catch (const Poco::Net::ConnectionResetException&) {
    reply.reset = true;
  } catch (const Poco::TimeoutException&) {
    reply.timed_out = true;
  }
  reply.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return reply;
}

std::string raw_get_request(const std::string& path, const std::string& extra_headers) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + kApiKey + "\r\n" + extra_headers +
         "Connection: close\r\n\r\n";
}

ChunkedBody decode_chunked(std::string_view body) {
  ChunkedBody decoded;
  while (true) {
    const auto line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) return decoded;
    const std::size_t size = std::stoul(std::string(body.substr(0, line_end)), nullptr, 16);
    body.remove_prefix(line_end + 2);
    if (size == 0) {
      decoded.complete = true;
      return decoded;
    }
    if (body.size() < size + 2) {  // cut inside this chunk
      decoded.data.append(body.substr(0, std::min(size, body.size())));
      return decoded;
    }
    decoded.data.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

std::string gunzip(std::string_view compressed) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[65536];
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (status == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended before the stream did
  }
  const bool trailing_garbage = status == Z_STREAM_END && z.avail_in != 0;
  inflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("gzip stream is corrupt or incomplete");
  if (trailing_garbage) throw std::runtime_error("bytes after the gzip stream");
  return out;
}

nlohmann::json parse_json(const std::string& text) { return nlohmann::json::parse(text); }

}  // namespace simtest
