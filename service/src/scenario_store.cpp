// The in-memory and directory scenario stores, and the choice of store from a location string.
#include "aras/service/scenario_store.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

#include "scenario_store_common.hpp"

namespace aras::service {

namespace fs = std::filesystem;

namespace scenario_detail {

bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string checked_id(const std::optional<std::string>& id) {
    if (!id) return random_id();
    if (!valid_id(*id)) throw InvalidScenario("scenario id '" + *id + "' is not [A-Za-z0-9_-]{1,64}");
    return *id;
}

void check_document(const nlohmann::json& document) {
    if (!document.is_object()) throw InvalidScenario("a scenario document must be a JSON object");
}

std::string random_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "s";
    for (int i = 0; i < 16; ++i) id.push_back(kHex[rng() & 15u]);
    return id;
}

std::string now_iso8601() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

}  // namespace scenario_detail

using namespace scenario_detail;

namespace {

class MemoryScenarioStore final : public ScenarioStore {
public:
    Scenario create(const nlohmann::json& document, const std::optional<std::string>& id) override {
        check_document(document);
        std::lock_guard lock(mutex_);
        Scenario s{checked_id(id), document, now_iso8601()};
        if (!by_id_.emplace(s.id, order_.size()).second) throw ScenarioConflict("scenario '" + s.id + "' exists");
        order_.push_back(s);
        return s;
    }
    std::vector<Scenario> create_all(const std::vector<std::pair<std::string, nlohmann::json>>& documents) override {
        std::lock_guard lock(mutex_);
        std::vector<Scenario> made;
        std::map<std::string, int> seen;
        for (const auto& [id, doc] : documents) {  // check everything before changing anything
            check_document(doc);
            checked_id(id);
            if (by_id_.count(id) || seen[id]++) throw ScenarioConflict("scenario '" + id + "' exists");
            made.push_back({id, doc, now_iso8601()});
        }
        for (const auto& s : made) {
            by_id_.emplace(s.id, order_.size());
            order_.push_back(s);
        }
        return made;
    }
    std::vector<Scenario> list() const override {
        std::lock_guard lock(mutex_);
        std::vector<Scenario> out;
        for (const auto& s : order_)
            if (by_id_.count(s.id) && by_id_.at(s.id) < order_.size() && &order_[by_id_.at(s.id)] == &s) out.push_back(s);
        return out;
    }
    std::optional<Scenario> get(const std::string& id) const override {
        std::lock_guard lock(mutex_);
        auto it = by_id_.find(id);
        if (it == by_id_.end()) return std::nullopt;
        return order_[it->second];
    }
    bool remove(const std::string& id) override {
        std::lock_guard lock(mutex_);
        return by_id_.erase(id) > 0;  // the slot in order_ stays but is no longer reachable
    }

private:
    mutable std::mutex mutex_;
    std::vector<Scenario> order_;
    std::map<std::string, std::size_t> by_id_;
};

class FileScenarioStore final : public ScenarioStore {
public:
    explicit FileScenarioStore(fs::path dir) : dir_(std::move(dir)) {
        std::error_code ec;
        fs::create_directories(dir_, ec);
        if (!fs::is_directory(dir_)) throw ScenarioStoreError("cannot use " + dir_.string() + " as a scenario directory");
    }
    Scenario create(const nlohmann::json& document, const std::optional<std::string>& id) override {
        check_document(document);
        Scenario s{checked_id(id), document, now_iso8601()};
        write_new(s);
        return s;
    }
    std::vector<Scenario> create_all(const std::vector<std::pair<std::string, nlohmann::json>>& documents) override {
        // A directory has no transactions: validate first, then roll back what was written if one fails.
        std::vector<Scenario> made;
        for (const auto& [id, doc] : documents) {
            check_document(doc);
            checked_id(id);
            made.push_back({id, doc, now_iso8601()});
        }
        std::vector<std::string> written;
        try {
            for (const auto& s : made) {
                write_new(s);
                written.push_back(s.id);
            }
        } catch (...) {
            for (const auto& id : written) remove(id);
            throw;
        }
        return made;
    }
    std::vector<Scenario> list() const override {
        std::vector<Scenario> out;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir_, ec)) {
            if (entry.path().extension() != ".json") continue;
            if (auto s = read(entry.path())) out.push_back(std::move(*s));
        }
        std::sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) {
            return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
        });
        return out;
    }
    std::optional<Scenario> get(const std::string& id) const override {
        if (!valid_id(id)) return std::nullopt;
        return read(dir_ / (id + ".json"));
    }
    bool remove(const std::string& id) override {
        if (!valid_id(id)) return false;
        std::error_code ec;
        return fs::remove(dir_ / (id + ".json"), ec);
    }

private:
    void write_new(const Scenario& s) {
        const fs::path tmp = dir_ / ("." + s.id + "." + random_id() + ".tmp");
        {
            std::ofstream out(tmp, std::ios::binary);
            out << nlohmann::json{{"id", s.id}, {"created_at", s.created_at}, {"document", s.document}}.dump();
            if (!out.flush()) throw ScenarioStoreError("cannot write " + tmp.string());
        }
        // link() fails when the name is taken, so two replicas creating one id cannot both win.
        std::error_code ec;
        fs::create_hard_link(tmp, dir_ / (s.id + ".json"), ec);
        fs::remove(tmp);
        if (ec == std::errc::file_exists) throw ScenarioConflict("scenario '" + s.id + "' exists");
        if (ec) throw ScenarioStoreError("cannot store scenario '" + s.id + "': " + ec.message());
    }
    static std::optional<Scenario> read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        if (!in) return std::nullopt;
        const auto j = nlohmann::json::parse(in, nullptr, false);
        if (!j.is_object() || !j.contains("id") || !j.contains("document")) return std::nullopt;
        return Scenario{j["id"].get<std::string>(), j["document"], j.value("created_at", std::string())};
    }

    fs::path dir_;
};

}  // namespace

std::unique_ptr<ScenarioStore> make_memory_scenario_store() { return std::make_unique<MemoryScenarioStore>(); }

std::unique_ptr<ScenarioStore> make_file_scenario_store(const std::string& dir) {
    return std::make_unique<FileScenarioStore>(dir);
}

std::unique_ptr<ScenarioStore> open_scenario_store(const std::string& location) {
    if (location.rfind("PG:", 0) == 0) return make_postgres_scenario_store(location);
    if (location == ":memory:") return make_memory_scenario_store();
    return make_file_scenario_store(location);
}

}  // namespace aras::service
