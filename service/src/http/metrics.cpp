#include "http/metrics.hpp"

#include <sstream>

namespace aras::service::http {

namespace {
std::string escape_label(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}
}  // namespace

void Metrics::record(const std::string& endpoint, unsigned status, double seconds, std::size_t bytes) {
    std::lock_guard lock(mutex_);
    ++requests_[{endpoint, status}];
    auto& h = latency_[endpoint];
    std::size_t i = 0;
    while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
    if (i < kBuckets.size()) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
    bytes_out_ += bytes;
}

std::string Metrics::prometheus_text() const {
    std::lock_guard lock(mutex_);
    std::ostringstream os;
    os << "# HELP aras_http_requests_total HTTP requests by endpoint and status.\n"
          "# TYPE aras_http_requests_total counter\n";
    for (const auto& [key, n] : requests_)
        os << "aras_http_requests_total{endpoint=\"" << escape_label(key.first) << "\",status=\"" << key.second
           << "\"} " << n << "\n";
    os << "# HELP aras_http_request_duration_seconds Request latency by endpoint.\n"
          "# TYPE aras_http_request_duration_seconds histogram\n";
    for (const auto& [endpoint, h] : latency_) {
        const std::string label = escape_label(endpoint);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += h.buckets[i];
            os << "aras_http_request_duration_seconds_bucket{endpoint=\"" << label << "\",le=\"" << kBuckets[i]
               << "\"} " << cumulative << "\n";
        }
        os << "aras_http_request_duration_seconds_bucket{endpoint=\"" << label << "\",le=\"+Inf\"} " << h.count
           << "\n";
        os << "aras_http_request_duration_seconds_sum{endpoint=\"" << label << "\"} " << h.sum << "\n";
        os << "aras_http_request_duration_seconds_count{endpoint=\"" << label << "\"} " << h.count << "\n";
    }
    os << "# HELP aras_http_response_bytes_total Response body bytes sent.\n"
          "# TYPE aras_http_response_bytes_total counter\n"
          "aras_http_response_bytes_total "
       << bytes_out_ << "\n";
    return os.str();
}

}  // namespace aras::service::http
