#include "http_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace aras::test {

Connection::Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
}

void Connection::send_raw(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;  // the server may have answered and closed early (413)
        sent += static_cast<std::size_t>(n);
    }
}

namespace {
// Reads more bytes into `buf`; false on close, error or timeout.
bool read_more(int fd, std::string& buf, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[65536];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
    return true;
}
std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

HttpResponse Connection::read_response(int timeout_ms) {
    HttpResponse r;
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(fd_, buffer_, timeout_ms)) {
            r.closed = true;
            return r;
        }
    }
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    r.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[lower(line.substr(0, colon))] = value;
    }
    if (r.status == 100) return read_response(timeout_ms);
    const std::string cl = r.header("content-length");
    if (!cl.empty()) {
        const std::size_t len = std::stoul(cl);
        while (buffer_.size() < len)
            if (!read_more(fd_, buffer_, timeout_ms)) break;
        r.body = buffer_.substr(0, len);
        buffer_.erase(0, std::min(len, buffer_.size()));
    }
    r.closed = lower(r.header("connection")) == "close";
    return r;
}

bool Connection::wait_closed(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[1024];
    return ::recv(fd_, tmp, sizeof tmp, 0) <= 0;
}

HttpResponse Connection::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::vector<std::string>& extra_headers) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& h : extra_headers) req += h + "\r\n";
    if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    send_raw(req);
    return read_response();
}

ServerProcess::ServerProcess(const std::vector<std::string>& extra_args) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {ARAS_BINARY, "serve", "--port", "0", "--data", ARAS_DATA_DIR, "--threads", "2",
                                     "--no-access-log"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        // The servers' warnings (missing data on purpose) would drown the test output.
        if (!std::getenv("ARAS_TEST_SERVER_STDERR")) {
            const int devnull = ::open("/dev/null", O_WRONLY);
            if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
        }
        ::close(out[0]);
        ::close(out[1]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    // The first stdout line is "listening on http://127.0.0.1:PORT"; engines may take a while to load.
    std::string line;
    char c;
    pollfd p{out[0], POLLIN, 0};
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    while (std::chrono::steady_clock::now() < until) {
        if (::poll(&p, 1, 1000) <= 0) continue;
        if (::read(out[0], &c, 1) != 1) break;
        if (c == '\n') break;
        line += c;
    }
    ::close(out[0]);
    first_line_ = line;
    const auto colon = line.rfind(':');
    if (line.rfind("listening on http://", 0) != 0 || colon == std::string::npos) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        exited_ = true;
        throw std::runtime_error("aras serve did not start: '" + line + "'");
    }
    port_ = std::stoi(line.substr(colon + 1));
}

void ServerProcess::signal(int sig) { ::kill(pid_, sig); }

int ServerProcess::wait_exit(int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < until) {
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            exited_ = true;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

ServerProcess::~ServerProcess() {
    if (exited_ || pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    if (wait_exit(15000) < 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

HttpResponse ServerProcess::request(const std::string& method, const std::string& target, const std::string& body,
                                    const std::vector<std::string>& extra_headers) {
    Connection c(port_);
    return c.request(method, target, body, extra_headers);
}

}  // namespace aras::test
