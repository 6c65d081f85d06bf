// Request counters and latency histograms per endpoint, rendered as Prometheus text for /metrics.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace aras::service::http {

class Metrics {
public:
    // `endpoint` is the route pattern ("/collections/{id}/items"), "static" or "unmatched".
    void record(const std::string& endpoint, unsigned status, double seconds, std::size_t bytes);
    // Prometheus text exposition format 0.0.4.
    std::string prometheus_text() const;

    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative here, summed on output
        std::uint64_t count = 0;
        double sum = 0.0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::uint64_t bytes_out_ = 0;
};

}  // namespace aras::service::http
