// Where planners' scenario documents (closures, hazards, corridors as JSON) live, shared by every replica.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aras::service {

// The store cannot be reached or refused the operation; the message says which and why.
class ScenarioStoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// create() with an id that is taken, or an id that is not [A-Za-z0-9_-]{1,64}.
class ScenarioConflict : public ScenarioStoreError {
public:
    using ScenarioStoreError::ScenarioStoreError;
};
class InvalidScenario : public ScenarioStoreError {
public:
    using ScenarioStoreError::ScenarioStoreError;
};

struct Scenario {
    std::string id;
    nlohmann::json document;  // always a JSON object
    std::string created_at;   // ISO 8601 UTC, set by the store
};

// Create/list/get/delete of scenario documents by id. Every call is atomic: a document is stored whole or not
// at all. Implementations are safe to call from several threads.
class ScenarioStore {
public:
    virtual ~ScenarioStore() = default;

    // Stores `document` (a JSON object) under `id`, or under a fresh random id when none is given.
    virtual Scenario create(const nlohmann::json& document, const std::optional<std::string>& id = std::nullopt) = 0;
    // Stores all of them or none (one transaction); ids must be given and unused.
    virtual std::vector<Scenario> create_all(const std::vector<std::pair<std::string, nlohmann::json>>& documents) = 0;
    // Oldest first.
    virtual std::vector<Scenario> list() const = 0;
    virtual std::optional<Scenario> get(const std::string& id) const = 0;
    // False when there was no such scenario.
    virtual bool remove(const std::string& id) = 0;
};

// In this process only (tests, a single replica without state).
std::unique_ptr<ScenarioStore> make_memory_scenario_store();
// One `<id>.json` per scenario in `dir`, written atomically (temp file + rename); replicas on one host share it.
std::unique_ptr<ScenarioStore> make_file_scenario_store(const std::string& dir);
// PostgreSQL through libpq: table aras_scenarios (id text primary key, document jsonb, created_at timestamptz),
// created when missing. `conninfo` is a libpq string ("host=... dbname=...") or the same with a "PG:" prefix.
std::unique_ptr<ScenarioStore> make_postgres_scenario_store(const std::string& conninfo);
// "PG:..." -> PostgreSQL, ":memory:" -> memory, anything else -> a directory.
std::unique_ptr<ScenarioStore> open_scenario_store(const std::string& location);

}  // namespace aras::service
