// Test support: starts `aras serve --port 0` as a child process and talks raw HTTP/1.1 to it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace aras::test {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    bool closed = false;  // the server closed the connection after this response

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// One TCP connection to 127.0.0.1:port; keeps alive between requests.
class Connection {
public:
    explicit Connection(int port);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void send_raw(const std::string& bytes);
    // Reads one response (Content-Length or until close); status 0 when the connection closed first.
    HttpResponse read_response(int timeout_ms = 20000);
    // True when the peer has closed the connection (reads 0 bytes within timeout_ms).
    bool wait_closed(int timeout_ms);
    HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::vector<std::string>& extra_headers = {});

private:
    int fd_ = -1;
    std::string buffer_;
};

// A running `aras serve`; SIGTERM and reaped on destruction.
class ServerProcess {
public:
    explicit ServerProcess(const std::vector<std::string>& extra_args = {});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    int port() const { return port_; }
    int pid() const { return pid_; }
    const std::string& first_line() const { return first_line_; }
    // Sends `sig`; then wait_exit() returns the exit status (-1 on timeout).
    void signal(int sig);
    int wait_exit(int timeout_ms);

    HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::vector<std::string>& extra_headers = {});

private:
    int pid_ = -1;
    int port_ = 0;
    bool exited_ = false;
    std::string first_line_;
};

}  // namespace aras::test
