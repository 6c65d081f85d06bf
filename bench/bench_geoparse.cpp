// Geoparsing throughput (MB/s) on a multilingual news-like text, and geocoding latency.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geoparser.hpp"

#ifndef ARAS_SOURCE_DIR
#define ARAS_SOURCE_DIR "."
#endif

namespace {

const std::shared_ptr<const aras::geo::Gazetteer>& gazetteer() {
    static const auto g = aras::geo::Gazetteer::load(ARAS_SOURCE_DIR "/data");
    return g;
}

// The labelled corpus without markup, repeated to about 1 MB.
std::string corpus() {
    std::string all;
    for (const char* lang : {"en", "tr", "az", "ru", "fa", "he"}) {
        std::ifstream in(std::string(ARAS_SOURCE_DIR) + "/tests/data/geoparse/" + lang + ".txt");
        std::ostringstream ss;
        ss << in.rdbuf();
        std::string t = ss.str();
        std::string plain;
        for (std::size_t i = 0; i < t.size();) {
            if (t.compare(i, 2, "[[") == 0) {
                const auto bar = t.find('|', i);
                const auto close = t.find("]]", i);
                plain += t.substr(i + 2, bar - i - 2);
                i = close + 2;
            } else {
                plain.push_back(t[i++]);
            }
        }
        all += plain;
    }
    std::string out;
    while (out.size() < (1u << 20)) out += all;
    return out;
}

void BM_Geoparse(benchmark::State& state) {
    const aras::geo::Geoparser parser(gazetteer());
    const std::string text = corpus();
    std::size_t mentions = 0;
    for (auto _ : state) {
        auto r = parser.parse(text);
        mentions = r.mentions.size();
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["mentions"] = static_cast<double>(mentions);
}
BENCHMARK(BM_Geoparse)->Unit(benchmark::kMillisecond);

void BM_GeocodeExact(benchmark::State& state) {
    aras::geo::GeocodeQuery q;
    q.text = "Astara";
    for (auto _ : state) benchmark::DoNotOptimize(gazetteer()->geocode(q));
}
BENCHMARK(BM_GeocodeExact)->Unit(benchmark::kMicrosecond);

void BM_GeocodeFuzzy(benchmark::State& state) {
    aras::geo::GeocodeQuery q;
    q.text = "Tabriiz";
    for (auto _ : state) benchmark::DoNotOptimize(gazetteer()->geocode(q));
}
BENCHMARK(BM_GeocodeFuzzy)->Unit(benchmark::kMillisecond);

void BM_GazetteerLoad(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(aras::geo::Gazetteer::load(ARAS_SOURCE_DIR "/data"));
}
BENCHMARK(BM_GazetteerLoad)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
