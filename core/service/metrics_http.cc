#include "core/service/metrics_http.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace bioner {

StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos)
    return InvalidArgument("metrics address '" + address + "' is not host:port");
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const int gai = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) return InvalidArgument("metrics address '" + address + "': " + ::gai_strerror(gai));
  int fd = -1;
  std::string error = "no address";
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    // Non-blocking: accept() after poll() must not wait for a client that went away.
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) return Unavailable("cannot listen on metrics address '" + address + "': " + error);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const int bound_port = bound.ss_family == AF_INET6
                             ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                             : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(fd, bound_port, std::move(registry)));
}

// One connection in progress: reading its request head, then writing the response.
struct MetricsEndpoint::Connection {
  int fd = -1;
  std::chrono::steady_clock::time_point deadline;  // for the whole exchange
  std::string request;
  std::string response;  // set once the request is read; then it is being written
  size_t sent = 0;
};

MetricsEndpoint::MetricsEndpoint(int fd, int port, std::shared_ptr<prometheus::Registry> registry)
    : fd_(fd), port_(port), registry_(std::move(registry)) {
  thread_ = std::thread([this] { ServeLoop(); });
}

MetricsEndpoint::~MetricsEndpoint() {
  stopping_ = true;
  thread_.join();  // the loop polls with a timeout, so it sees the flag
  ::close(fd_);
}

void MetricsEndpoint::ServeLoop() {
  using Clock = std::chrono::steady_clock;
  std::vector<Connection> conns;
  std::vector<pollfd> fds;
  while (!stopping_) {
    Clock::time_point now = Clock::now();
    // A connection past its deadline is dropped, whatever it was doing.
    conns.erase(std::remove_if(conns.begin(), conns.end(),
                               [&](const Connection& c) {
                                 if (now < c.deadline) return false;
                                 ::close(c.fd);
                                 return true;
                               }),
                conns.end());
    fds.clear();
    int64_t timeout_ms = 200;  // how soon the stop flag is seen
    for (const Connection& c : conns) {
      fds.push_back({c.fd, static_cast<short>(c.response.empty() ? POLLIN : POLLOUT), 0});
      const int64_t left =
          std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - now).count() + 1;
      timeout_ms = std::min(timeout_ms, left);
    }
    // With every slot taken the listening socket is not polled: new clients wait in the
    // backlog until a connection ends or its deadline passes.
    const bool accepting = conns.size() < static_cast<size_t>(kMaxConnections);
    if (accepting) fds.push_back({fd_, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), static_cast<int>(timeout_ms)) <= 0) continue;
    now = Clock::now();
    for (size_t i = 0; i < conns.size(); ++i) {
      Connection& c = conns[i];
      if (fds[i].revents == 0) continue;
      bool close = false;
      if (c.response.empty()) {
        char buf[1024];
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        if (n > 0) c.request.append(buf, static_cast<size_t>(n));
        if (n < 0 || (n == 0 && c.request.empty())) {
          close = true;  // a reset, or a client that left without asking
        } else if (n == 0 || c.request.find("\r\n\r\n") != std::string::npos ||
                   c.request.size() >= kMaxRequestBytes) {
          c.response = Respond(c.request);  // a half-close ends the request too
        }
      } else {
        const ssize_t n = ::send(c.fd, c.response.data() + c.sent, c.response.size() - c.sent,
                                 MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        if (n > 0) c.sent += static_cast<size_t>(n);
        close = n <= 0 || c.sent == c.response.size();
      }
      if (close) {
        ::close(c.fd);
        c.fd = -1;
      }
    }
    conns.erase(std::remove_if(conns.begin(), conns.end(), [](const Connection& c) { return c.fd < 0; }),
                conns.end());
    if (accepting && fds.back().revents != 0) {
      while (conns.size() < static_cast<size_t>(kMaxConnections)) {
        const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (conn < 0) break;  // EAGAIN: no more waiting
        Connection c;
        c.fd = conn;
        c.deadline = now + kExchangeDeadline;
        conns.push_back(std::move(c));
      }
    }
  }
  for (const Connection& c : conns) ::close(c.fd);
}

std::string MetricsEndpoint::Respond(const std::string& request) const {
  const std::string line = request.substr(0, request.find("\r\n"));
  std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
  if (line.rfind("GET /metrics ", 0) == 0 || line.rfind("GET /metrics?", 0) == 0) {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    body = out.str();
  } else {
    status = "404 Not Found";
    type = "text/plain";
    body = "only GET /metrics is served here\n";
  }
  return "HTTP/1.0 " + status + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace bioner
