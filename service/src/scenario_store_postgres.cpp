// The PostgreSQL scenario store (libpq): the state every replica of the service shares.
#include <libpq-fe.h>

#include <memory>
#include <mutex>

#include "aras/service/scenario_store.hpp"
#include "scenario_store_common.hpp"

namespace aras::service {

using namespace scenario_detail;

namespace {

struct ResultClearer {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;
struct ConnFinisher {
    void operator()(PGconn* c) const { PQfinish(c); }
};

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS aras_scenarios ("
    " id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),"
    " document jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),"
    " created_at timestamptz NOT NULL DEFAULT clock_timestamp())";

constexpr const char* kUniqueViolation = "23505";

class PostgresScenarioStore final : public ScenarioStore {
public:
    explicit PostgresScenarioStore(std::string conninfo) : conninfo_(std::move(conninfo)) {
        std::lock_guard lock(mutex_);
        connect();
        // Two replicas starting together: the advisory lock keeps their CREATE TABLEs from colliding.
        run("BEGIN");
        try {
            run("SELECT pg_advisory_xact_lock(8123001)");
            run(kSchema);
            run("COMMIT");
        } catch (...) {
            rollback_quietly();
            throw;
        }
    }

    Scenario create(const nlohmann::json& document, const std::optional<std::string>& id) override {
        check_document(document);
        const std::string sid = checked_id(id);
        std::lock_guard lock(mutex_);
        Result r = insert(sid, document);
        return row(r.get(), 0);
    }

    std::vector<Scenario> create_all(const std::vector<std::pair<std::string, nlohmann::json>>& documents) override {
        for (const auto& [id, doc] : documents) {
            check_document(doc);
            checked_id(id);
        }
        std::lock_guard lock(mutex_);
        std::vector<Scenario> made;
        run("BEGIN");
        try {
            for (const auto& [id, doc] : documents) {
                Result r = insert(id, doc);
                made.push_back(row(r.get(), 0));
            }
            run("COMMIT");
        } catch (...) {
            rollback_quietly();
            throw;
        }
        return made;
    }

    std::vector<Scenario> list() const override {
        std::lock_guard lock(mutex_);
        Result r = query("SELECT id, document::text, " + iso("created_at") +
                             " FROM aras_scenarios ORDER BY created_at, id",
                         {});
        std::vector<Scenario> out;
        for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(row(r.get(), i));
        return out;
    }

    std::optional<Scenario> get(const std::string& id) const override {
        if (!valid_id(id)) return std::nullopt;
        std::lock_guard lock(mutex_);
        Result r = query("SELECT id, document::text, " + iso("created_at") + " FROM aras_scenarios WHERE id = $1", {id});
        if (PQntuples(r.get()) == 0) return std::nullopt;
        return row(r.get(), 0);
    }

    bool remove(const std::string& id) override {
        if (!valid_id(id)) return false;
        std::lock_guard lock(mutex_);
        Result r = query("DELETE FROM aras_scenarios WHERE id = $1", {id});
        return std::string(PQcmdTuples(r.get())) == "1";
    }

private:
    static std::string iso(const std::string& column) {
        return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    }

    void connect() const {
        conn_.reset(PQconnectdb(conninfo_.c_str()));
        if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
            std::string why = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
            while (!why.empty() && why.back() == '\n') why.pop_back();
            conn_.reset();
            throw ScenarioStoreError("cannot connect to the scenario database: " + why);
        }
        // Server NOTICEs ("relation already exists, skipping") are not for the service's stderr.
        PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
    }

    // A dropped connection (server restart, failover, killed backend) is re-opened once per statement outside
    // a transaction; inside one the statement fails, because the server has already rolled the transaction back.
    Result query(const std::string& sql, const std::vector<std::string>& params) const {
        for (int attempt = 0;; ++attempt) {
            if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) connect();
            std::vector<const char*> values;
            for (const auto& p : params) values.push_back(p.c_str());
            Result r(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                  nullptr, nullptr, 0));
            const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
            if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
            const bool lost = PQstatus(conn_.get()) != CONNECTION_OK;
            if (lost && attempt == 0 && !in_transaction_) {
                conn_.reset();
                continue;
            }
            const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
            std::string why = PQerrorMessage(conn_.get());
            while (!why.empty() && why.back() == '\n') why.pop_back();
            if (lost) conn_.reset();
            if (state && std::string(state) == kUniqueViolation) throw ScenarioConflict("scenario exists: " + why);
            throw ScenarioStoreError("scenario database: " + why);
        }
    }

    void run(const std::string& sql) {
        if (sql == "BEGIN") {
            query(sql, {});
            in_transaction_ = true;
            return;
        }
        if (sql == "COMMIT") in_transaction_ = false;
        query(sql, {});
    }

    void rollback_quietly() {
        in_transaction_ = false;
        if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) PQclear(PQexec(conn_.get(), "ROLLBACK"));
    }

    Result insert(const std::string& id, const nlohmann::json& document) {
        try {
            return query("INSERT INTO aras_scenarios (id, document) VALUES ($1, $2::jsonb) RETURNING id, document::text, " +
                             iso("created_at"),
                         {id, document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
        } catch (const ScenarioConflict&) {
            throw ScenarioConflict("scenario '" + id + "' exists");
        }
    }

    static Scenario row(PGresult* r, int i) {
        return Scenario{PQgetvalue(r, i, 0), nlohmann::json::parse(PQgetvalue(r, i, 1)), PQgetvalue(r, i, 2)};
    }

    std::string conninfo_;
    mutable std::mutex mutex_;
    mutable std::unique_ptr<PGconn, ConnFinisher> conn_;
    bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<ScenarioStore> make_postgres_scenario_store(const std::string& conninfo) {
    std::string info = conninfo.rfind("PG:", 0) == 0 ? conninfo.substr(3) : conninfo;
    if (info.find("application_name") == std::string::npos) info += " application_name=aras";
    return std::make_unique<PostgresScenarioStore>(info);
}

}  // namespace aras::service
