// The Beast transport: listener, sessions with timeouts and body limits, signals and graceful drain.
// Modelled on Beast's http_server_async.cpp and advanced_server.cpp examples.
#include "aras/service/server.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>

#include "http/api_service.hpp"
#include "http/error_table.hpp"

namespace aras::service {

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class Session;

// What every session shares: the API, the options and the drain state. Sessions hold it by
// shared_ptr because a hard stop may leave some of them alive until the io_context dies.
class ServerState {
public:
    ServerState(const Engines& engines, const ServerOptions& options) : api(engines, options), options(options) {}

    http::ApiService api;
    const ServerOptions options;
    std::atomic<bool> draining{false};
    std::string base_url;

    void add(Session* s, std::weak_ptr<Session> w) {
        std::lock_guard lock(mutex_);
        sessions_.emplace(s, std::move(w));
    }
    void remove(Session* s);
    // Closes idle connections now and busy ones after their response; calls `drained` (under the
    // lock, so it must only post) once no session is left.
    void drain(std::function<void()> drained);
    void forget_drained_callback() {
        std::lock_guard lock(mutex_);
        drained_ = nullptr;
    }

private:
    std::mutex mutex_;
    std::map<Session*, std::weak_ptr<Session>> sessions_;
    std::function<void()> drained_;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, std::shared_ptr<ServerState> state)
        : stream_(std::move(socket)), holder_(std::move(state)), state_(*holder_) {}
    ~Session() { state_.remove(this); }

    void run() {
        state_.add(this, weak_from_this());
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
    }

    // Called on drain: an idle connection closes now, a busy one after its response.
    void stop_when_idle() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (!self->busy_) self->do_close();
        });
    }

private:
    void do_read() {
        busy_ = false;
        if (state_.draining) return do_close();
        parser_.emplace();
        parser_->header_limit(16 * 1024);
        parser_->body_limit(state_.options.limits.max_body_bytes);
        stream_.expires_after(state_.options.read_timeout);
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        busy_ = true;  // from here on the request is in flight: a drain lets it finish
        const auto& req = parser_->get();
        if (auto len = parser_->content_length(); len && *len > state_.options.limits.max_body_bytes)
            return fail(http::ApiError("payload_too_large", {std::to_string(state_.options.limits.max_body_bytes)}));
        if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
            stream_.expires_after(state_.options.write_timeout);
            return bhttp::async_write(stream_, *cont,
                                      [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                                          if (wec) return self->do_close();
                                          self->read_body();
                                      });
        }
        read_body();
    }

    void read_body() {
        stream_.expires_after(state_.options.read_timeout);
        bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read_error(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
            ec == net::error::connection_reset || ec == net::error::eof)
            return do_close();
        if (ec == bhttp::error::body_limit)
            return fail(http::ApiError("payload_too_large", {std::to_string(state_.options.limits.max_body_bytes)}));
        if (ec == bhttp::error::header_limit) return fail(http::ApiError("bad_request", {"request header too large"}));
        return fail(http::ApiError("bad_request", {"malformed HTTP request: " + ec.message()}));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        auto& breq = parser_->get();
        http::Request req;
        req.method = std::string(breq.method_string());
        req.target = std::string(breq.target());
        req.content_type = std::string(breq[bhttp::field::content_type]);
        req.accept = std::string(breq[bhttp::field::accept]);
        req.request_id = std::string(breq["X-Request-Id"]);
        req.body = std::move(breq.body());
        const auto host = breq[bhttp::field::host];
        req.base_url = host.empty() || host.find_first_of(" /\\\"<>") != beast::string_view::npos
                           ? state_.base_url
                           : "http://" + std::string(host);
        http::Response res = state_.api.handle(req);
        send(std::move(res), breq.keep_alive(), req.method == "HEAD");
    }

    // A request we could not read: answer and close (the stream may be out of sync).
    void fail(const http::ApiError& error) {
        std::string method, target;
        if (parser_ && parser_->is_header_done()) {
            method = std::string(parser_->get().method_string());
            target = std::string(parser_->get().target());
        }
        http::Response res = state_.api.error_response(
            parser_ && parser_->is_header_done() ? std::string(parser_->get()["X-Request-Id"]) : "", method, target,
            error);
        send(std::move(res), false, false, true);
    }

    // `linger`: the client may still be sending a body we refused; read and drop it for a moment
    // after answering, so closing does not reset the connection before the answer is read.
    void send(http::Response res, bool keep_alive, bool head, bool linger = false) {
        auto msg = std::make_shared<bhttp::response<bhttp::string_body>>();
        msg->version(11);
        msg->result(res.status);
        msg->set(bhttp::field::server, "aras");
        if (!res.content_type.empty()) msg->set(bhttp::field::content_type, res.content_type);
        for (auto& [name, value] : res.headers) msg->insert(name, value);
        const bool keep = keep_alive && !state_.draining;
        msg->keep_alive(keep);
        if (head) {
            msg->content_length(res.body.size());
        } else {
            msg->body() = std::move(res.body);
            msg->prepare_payload();
        }
        stream_.expires_after(state_.options.write_timeout);
        bhttp::async_write(stream_, *msg, [self = shared_from_this(), msg, keep, linger](beast::error_code ec, std::size_t) {
            if (!ec && linger) return self->linger_close();
            if (ec || !keep) return self->do_close();
            self->do_read();
        });
    }

    void linger_close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.expires_after(std::chrono::seconds(2));
        discard_ = std::make_shared<std::array<char, 16384>>();
        discard_more(0);
    }
    void discard_more(std::size_t total) {
        stream_.async_read_some(net::buffer(*discard_), [self = shared_from_this(), total](beast::error_code ec, std::size_t n) {
            if (ec || total + n > (64u << 20)) return self->do_close();
            self->discard_more(total + n);
        });
    }

    void do_close() {
        busy_ = false;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::shared_ptr<ServerState> holder_;
    ServerState& state_;
    bool busy_ = false;
    std::shared_ptr<std::array<char, 16384>> discard_;
};

void ServerState::remove(Session* s) {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
    if (draining && sessions_.empty() && drained_) drained_();
}

void ServerState::drain(std::function<void()> drained) {
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(mutex_);
        drained_ = std::move(drained);
        for (auto& [ptr, weak] : sessions_)
            if (auto s = weak.lock()) live.push_back(std::move(s));
        if (sessions_.empty() && drained_) drained_();
    }
    for (auto& s : live) s->stop_when_idle();
}

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, tcp::endpoint endpoint, std::shared_ptr<ServerState> state)
        : ioc_(ioc), acceptor_(net::make_strand(ioc)), state_(std::move(state)) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void run() { net::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&Listener::do_accept, shared_from_this())); }
    void stop() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->acceptor_.close(ec);
        });
    }

private:
    void do_accept() {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec && !state_->draining) {
            beast::error_code nec;
            socket.set_option(tcp::no_delay(true), nec);
            std::make_shared<Session>(std::move(socket), state_)->run();
        }
        do_accept();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    std::shared_ptr<ServerState> state_;
};

}  // namespace

int run_server(const ServerOptions& options, const Engines& engines, std::ostream& announce) {
    const int threads = options.threads > 0 ? options.threads
                                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    net::io_context ioc(threads);
    auto state = std::make_shared<ServerState>(engines, options);

    beast::error_code ec;
    const auto address = net::ip::make_address(options.host, ec);
    if (ec) throw std::runtime_error("bad --host '" + options.host + "': " + ec.message());
    std::shared_ptr<Listener> listener;
    try {
        listener = std::make_shared<Listener>(ioc, tcp::endpoint(address, options.port), state);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                                 e.code().message());
    }
    const auto bound = listener->local_endpoint();
    const std::string host =
        bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
    state->base_url = "http://" + host + ":" + std::to_string(bound.port());
    listener->run();

    // Shutdown control runs on one strand: the signals, the grace timer and its cancellation.
    auto control = net::make_strand(ioc);
    net::steady_timer grace(control);
    net::signal_set signals(control, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code sec, int) {
        if (sec) return;
        beast::error_code ignored;
        signals.clear(ignored);  // a second signal now kills the process
        grace.expires_after(options.shutdown_grace);
        grace.async_wait([&](beast::error_code tec) {
            if (!tec) ioc.stop();  // in-flight requests did not finish in time
        });
        state->draining = true;
        listener->stop();
        state->drain([&] { net::post(control, [&] { grace.cancel(); }); });
    });

    announce << "listening on " << state->base_url << std::endl;

    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(threads - 1));
    for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
    state->forget_drained_callback();
    return 0;
}

}  // namespace aras::service
